// The client's stream events → VS Code response parts (text, thinking, tool calls). Parts already
// reported cannot be taken back, so reasoning that a model sends inside the answer text and closes
// with an unopened `</think>` (the client's `textWasThinking`) is handled by holding back:
//
// - Only on Chat Completions (the only format where it happens) and only for models that may do it:
//   the catalog's rule (mayReasonInline: DeepSeek-R1, QwQ, "thinking" models) or a model that did it
//   earlier this session (InlineReasoningModels). Every other reply streams as it arrives.
// - Only the reply's leading text, while it is undecided: holding stops at the first thinking event
//   (reasoning that comes apart, or in an opened `<think>`), tool call, or `textWasThinking` (then the
//   held text is reported as thinking), and at the end of the reply (then it is the answer).
// - At most HOLD_LIMIT characters: beyond that the text is reported as text and streams from there;
//   a `</think>` after that point cannot move it any more (logged).
// A finished Messages thinking block (`thinkingBlock`: text + signature, or redacted data) is reported
// as one more thinking part carrying the block in its metadata (thinkingParts.ts).
// No `vscode` import: the running VS Code's part classes are passed in.
import { mayReasonInline } from '../gmi/thinkTags';
import type { StreamEvent } from '../gmi/types';
import { thinkingMetadata } from './thinkingParts';
import type { LmPartClasses } from './vscodeLm';

/** Longest leading text held back while it may still turn out to be reasoning (characters). */
export const HOLD_LIMIT = 32_768;

/** Models that may put their reasoning before an unopened `</think>`: the rule, plus those seen doing it. */
export class InlineReasoningModels {
  private readonly seen = new Set<string>();

  has(model: string): boolean {
    return mayReasonInline(model) || this.seen.has(model);
  }

  learn(model: string): void {
    this.seen.add(model);
  }
}

export class ResponseParts {
  private held = '';
  private holding: boolean;
  /** Characters of reasoning not shown: this VS Code has no thinking parts. */
  thinkingDropped = 0;
  /** The reply closed an unopened `</think>` (textWasThinking). */
  sawInlineReasoning = false;
  /** Characters of that reasoning that had already been reported as text (beyond the hold). */
  reasoningShownAsText = 0;
  /** Some answer text was reported. */
  reportedText = false;

  constructor(
    private readonly parts: LmPartClasses,
    private readonly progress: { report(part: unknown): void },
    hold: boolean,
    private readonly holdLimit = HOLD_LIMIT,
  ) {
    this.holding = hold;
  }

  /** Reports what one event shows (usage, retries and the terminal event are the caller's). */
  handle(event: StreamEvent): void {
    switch (event.type) {
      case 'text':
        this.text(event.text);
        break;
      case 'thinking':
        this.release();
        this.thinking(event.text);
        break;
      case 'textWasThinking':
        this.sawInlineReasoning = true;
        this.reasoningShownAsText += Math.max(0, event.text.length - this.held.length);
        if (this.held) this.thinking(this.held);
        this.held = '';
        this.holding = false;
        break;
      case 'toolCall':
        this.release();
        this.progress.report(new this.parts.ToolCallPart(event.id, event.name, event.input));
        break;
      case 'thinkingBlock': {
        this.release();
        // where VS Code has no thinking parts it could not hand the block back either
        const { ThinkingPart } = this.parts;
        if (ThinkingPart) this.progress.report(new ThinkingPart('', undefined, thinkingMetadata(event.block)));
        break;
      }
      default:
        break;
    }
  }

  /** The reply is over (or failed): held text was the answer after all. */
  finish(): void {
    this.release();
  }

  private text(text: string): void {
    if (!this.holding) {
      this.reportText(text);
      return;
    }
    this.held += text;
    if (this.held.length > this.holdLimit) this.release();
  }

  private thinking(text: string): void {
    const { ThinkingPart } = this.parts;
    if (ThinkingPart) this.progress.report(new ThinkingPart(text));
    else this.thinkingDropped += text.length;
  }

  /** Stops holding; what was held is reported as text. */
  private release(): void {
    this.holding = false;
    if (!this.held) return;
    const text = this.held;
    this.held = '';
    this.reportText(text);
  }

  private reportText(text: string): void {
    this.reportedText = true;
    this.progress.report(new this.parts.TextPart(text));
  }
}
