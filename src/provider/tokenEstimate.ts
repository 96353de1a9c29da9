// Token counts for VS Code's chat (provideTokenCount), estimated without a tokenizer: GMI serves many
// model families with different tokenizers and offers no counting endpoint, and VS Code calls this
// for every message of a long chat, so it must be cheap. The rule, in one place:
//   text (and text-like data, tool-call JSON, tool-result text, thinking sent back with its
//   signature or redacted data): ceil(characters / 4); other thinking is not sent, so it is 0
//   an image: IMAGE_TOKENS, whatever its size
//   each message: MESSAGE_OVERHEAD_TOKENS for its role and framing
// Four characters per token is the usual English/code average; it over-counts CJK-light text and
// under-counts dense CJK, which is why VS Code only uses it to budget, never to bill.
import { classifyPart, isTextMime, promptTsxText } from './messageMapping';
import { thinkingToSend } from './thinkingParts';
import type { LmChatRequestMessage, LmPartClasses } from './vscodeLm';

export const CHARS_PER_TOKEN = 4;
/** About what Anthropic charges for an image scaled to its 1.15 megapixel limit (w·h/750). */
export const IMAGE_TOKENS = 1_600;
export const MESSAGE_OVERHEAD_TOKENS = 3;

export function estimateTextTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** The estimate for a string or a whole message (see the rule above). */
export function estimateTokens(input: string | LmChatRequestMessage, classes: Partial<LmPartClasses> = {}): number {
  if (typeof input === 'string') return estimateTextTokens(input);
  return MESSAGE_OVERHEAD_TOKENS + partsTokens(input.content, classes, 0);
}

function partsTokens(parts: ReadonlyArray<unknown>, classes: Partial<LmPartClasses>, depth: number): number {
  let chars = 0;
  let images = 0;
  for (const raw of parts) {
    const part = classifyPart(raw, classes);
    switch (part.kind) {
      case 'text':
        chars += part.value.length;
        break;
      case 'data':
        if (part.mimeType.toLowerCase().startsWith('image/')) images++;
        else if (isTextMime(part.mimeType)) chars += part.data.byteLength;
        break;
      case 'toolCall':
        chars += part.name.length + jsonLength(part.input);
        break;
      case 'toolResult':
        chars += part.callId.length;
        // A tool result holds parts of its own (one level deep in practice).
        if (depth < 2) chars += partsTokens(part.content, classes, depth + 1) * CHARS_PER_TOKEN;
        break;
      case 'promptTsx':
        chars += promptTsxText(part.value).length;
        break;
      case 'thinking': {
        const sent = thinkingToSend(part, '');
        if (!('unsigned' in sent)) chars += sent.type === 'thinking' ? sent.text.length : sent.data.length;
        break;
      }
      default:
        break;
    }
  }
  return Math.ceil(chars / CHARS_PER_TOKEN) + images * IMAGE_TOKENS;
}

function jsonLength(v: unknown): number {
  try {
    return JSON.stringify(v)?.length ?? 0;
  } catch {
    return 0;
  }
}
