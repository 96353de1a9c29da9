// Runs chat requests against a Conversation: the one place that turns the client's stream of
// events into conversation state. No `vscode` import — the host injects how to get a client.
import * as l10n from '../l10n';
import { failureActions } from '../actions/nextSteps';
import type { RequestOptions } from '../config/requestPolicy';
import { endingNotice } from '../gmi/endings';
import type { ChatRequest, ChatTurn, ContextOverflow, EndReason, GmiErrorInfo, StreamEvent, Usage } from '../gmi/types';
import type { NextStepId } from '../actions/nextSteps';
import type { Conversation, ConversationJSON } from './conversation';
import type { StoredMessage } from './storedMessage';
import type { Attachment } from '../attachments/attachment';
import { ATTACHMENT_FRAME_TOKENS, contextBudget, estimateTokens, fitAttachments, fitHistory, IMAGE_TOKENS, turnCost, type AttachmentFit } from './context';
import { toChatTurns } from './prompts';
import { replyUsage } from './replyUsage';
import { RetryStatus } from './retryStatus';

export interface StreamingClient {
  stream(request: ChatRequest, options?: { signal?: AbortSignal }): AsyncIterable<StreamEvent>;
}

/**
 * Everything one request needs, resolved by the host at send time (settings can change). The
 * sampling and reasoning parameters come from src/config/requestPolicy.ts.
 */
export interface PreparedRequest extends RequestOptions {
  client: StreamingClient;
  model: string;
  api: ChatRequest['api'];
  system?: string;
  /** Context window of the model, from /models or the catalog. */
  contextLength: number;
  /** Reply budget reserved when cutting history. */
  maxOutputTokens: number;
  /** Whether the model reads images (src/gmi/catalog.ts); without, images are replaced by a note. */
  imageInput?: boolean;
}

/** Why a request could not even start, with the next step for the user. */
export interface RequestBlocked {
  blocked: true;
  message: string;
  actions: NextStepId[];
}

export interface ChatServiceDeps {
  /** Read only after `ready` resolved. */
  conversation: Conversation;
  /**
   * Resolves once `conversation` is the one the history restored (it opens after activation):
   * a question sent before waits for it and lands there, never in a throwaway conversation.
   * Undefined once it is (then nothing waits, not even a microtask).
   */
  ready?(): Promise<unknown> | undefined;
  prepare(): Promise<PreparedRequest | RequestBlocked>;
  /**
   * Resolves when what the conversation changed so far is on disk (the history). Awaited, alongside
   * prepare(), before a request goes on the wire: the question must survive a crash mid-request.
   */
  saved?(): Promise<void>;
  /**
   * Keeps the conversation as it is now as its own conversation in the history, before an edit or a
   * regenerate drops a question from it (never silently). Rejects when it could not be kept.
   */
  keepBranch?(json: ConversationJSON, why: 'edit' | 'regenerate'): Promise<void>;
  log?: { info(m: string): void; warn(m: string): void };
}

/** What came of an edit or a regenerate. */
export type RewriteResult = 'sent' | 'busy' | 'notFound' | 'branchNotKept';

export interface SendOptions {
  /** Shown above the user's message, e.g. "selection was cut". */
  notice?: string;
  /** Files, selections, problems and images the user attached; kept with the question in history. */
  attachments?: readonly Attachment[];
}

export interface RetryOptions {
  /**
   * GMI said the prompt is too long: resend with the history cut to fit what the server said it
   * takes (or, without numbers, half of what was sent), telling the user how much was left out.
   */
  dropOldestTurns?: boolean;
}

/** What was sent in a request GMI refused as too long, to cut the history for its retry. */
interface Overflow extends ContextOverflow {
  replyId: string;
  /** Our estimate of the history that was sent. */
  historyTokens: number;
}

/** Head-room kept below the size the server said fits, for our estimate's error. */
const OVERFLOW_MARGIN = 0.9;

export type BusyListener = (busy: boolean) => void;

export class ChatService {
  private running: { controller: AbortController; replyId: string; done: Promise<void> } | undefined;
  private overflow: Overflow | undefined;
  private readonly busyListeners = new Set<BusyListener>();

  constructor(private readonly deps: ChatServiceDeps) {}

  get busy(): boolean {
    return this.running !== undefined;
  }

  onDidChangeBusy(listener: BusyListener): { dispose(): void } {
    this.busyListeners.add(listener);
    return { dispose: () => this.busyListeners.delete(listener) };
  }

  /**
   * Sends a question. The question is recorded (and so persisted) before anything goes on the wire.
   * While a reply streams, a new question is refused: the UI's policy is "stop first", so two
   * replies can never land in one message. Returns false when refused.
   */
  async send(text: string, options: SendOptions = {}): Promise<boolean> {
    if (!text.trim()) return false;
    const restoring = this.deps.ready?.();
    if (restoring) await restoring;
    if (this.running) return false;
    this.deps.conversation.addUser(text, { notice: options.notice, attachments: options.attachments });
    await this.run();
    return true;
  }

  /** Retries a failed, stopped or interrupted reply: drops it and asks again with the same history. */
  async retry(replyId: string, options: RetryOptions = {}): Promise<boolean> {
    const restoring = this.deps.ready?.();
    if (restoring) await restoring;
    if (this.running) return false;
    const conversation = this.deps.conversation;
    const messages = conversation.messages;
    const index = messages.findIndex((m) => m.id === replyId);
    if (index < 0) return false;
    // A Retry on an error message retries the reply it belongs to.
    const target = messages[index].role === 'error' ? messages[index].replyTo : replyId;
    const reply = target ? conversation.get(target) : undefined;
    let previousUser = -1;
    const from = reply ? messages.indexOf(reply) : index;
    for (let i = from - 1; i >= 0; i--) {
      if (messages[i].role === 'user') {
        previousUser = i;
        break;
      }
    }
    if (previousUser < 0) return false;
    const overflow = options.dropOldestTurns ? this.overflowBudget(target) : undefined;
    const firstToDrop = messages[previousUser + 1];
    if (firstToDrop) conversation.truncateFrom(firstToDrop.id);
    await this.run(overflow);
    return true;
  }

  /**
   * Edit and resend: question `questionId` and everything after it are replaced by `text` (with the
   * question's attachments) and its new reply. The conversation as it was is kept first (keepBranch).
   */
  async edit(questionId: string, text: string): Promise<RewriteResult> {
    const restoring = this.deps.ready?.();
    if (restoring) await restoring;
    if (this.running) return 'busy';
    const question = this.deps.conversation.get(questionId);
    if (!question || question.role !== 'user' || !text.trim()) return 'notFound';
    // The question's attachments stay with it: only its text was edited.
    const attachments = question.attachments;
    return this.rewrite('edit', questionId, (conversation) => void conversation.addUser(text, { attachments }));
  }

  /**
   * Asks the question of reply `replyId` again, replacing the reply. A reply with later questions
   * after it keeps the conversation as it was in the history first (those questions go).
   */
  async regenerate(replyId: string): Promise<RewriteResult> {
    const restoring = this.deps.ready?.();
    if (restoring) await restoring;
    if (this.running) return 'busy';
    const conversation = this.deps.conversation;
    const reply = conversation.get(replyId);
    const question = reply?.role === 'assistant' && reply.state !== 'streaming' ? conversation.questionFor(replyId) : undefined;
    if (!question) return 'notFound';
    const next = conversation.messages[conversation.messages.indexOf(question) + 1];
    return this.rewrite('regenerate', next.id);
  }

  /** Drops `fromId` and what follows (keeping a branch when a question goes), then runs a request. */
  private async rewrite(why: 'edit' | 'regenerate', fromId: string, afterCut?: (conversation: Conversation) => void): Promise<RewriteResult> {
    const conversation = this.deps.conversation;
    const from = conversation.messages.findIndex((m) => m.id === fromId);
    const dropsQuestion = conversation.messages.slice(from).some((m) => m.role === 'user');
    let result: RewriteResult = 'sent';
    await this.run(undefined, async () => {
      if (dropsQuestion && this.deps.keepBranch) {
        try {
          await this.deps.keepBranch(conversation.toJSON(), why);
        } catch (err) {
          this.deps.log?.warn(`The conversation could not be kept in the history, so it was left as it is: ${err instanceof Error ? err.message : String(err)}`);
          result = 'branchNotKept';
          return false;
        }
      }
      conversation.truncateFrom(fromId);
      afterCut?.(conversation);
      return true;
    });
    return result;
  }

  /** Stops the streaming reply, keeping what arrived (state `stopped`). */
  stop(): void {
    this.running?.controller.abort();
  }

  /** Resolves when no reply is streaming. */
  async idle(): Promise<void> {
    await this.running?.done;
  }

  private setBusy(): void {
    const busy = this.busy;
    for (const l of this.busyListeners) l(busy);
  }

  /**
   * The history budget for resending a request GMI refused as too long: what was sent, scaled to
   * what the server said fits (its context minus the reply it counted, over the prompt it counted),
   * with a margin; half of what was sent when it gave no numbers (or after a reload).
   */
  private overflowBudget(replyId: string | undefined): number {
    const conversation = this.deps.conversation;
    const o = this.overflow?.replyId === replyId ? this.overflow : undefined;
    const sent = o?.historyTokens ?? toChatTurns(conversation.messages).reduce((sum, t) => sum + turnCost(t), 0);
    if (o?.promptTokens && o.limitTokens) {
      const fits = Math.max(0, o.limitTokens - (o.outputTokens ?? 0));
      return Math.floor(Math.min(sent - 1, (sent * fits * OVERFLOW_MARGIN) / o.promptTokens));
    }
    return Math.floor(sent / 2);
  }

  /** `before`: changes the conversation once the slot is claimed; false leaves it without a request. */
  private async run(overflowBudget?: number, before?: () => Promise<boolean>): Promise<void> {
    const conversation = this.deps.conversation;
    const controller = new AbortController();
    let finishRun!: () => void;
    const done = new Promise<void>((resolve) => (finishRun = resolve));
    // Claim the slot before the first await so a second send can't slip in.
    this.running = { controller, replyId: '', done };
    this.setBusy();
    try {
      if (before && !(await before())) return;
      let prepared: PreparedRequest | RequestBlocked;
      try {
        // The question is on disk before the request leaves; the write runs while the request is prepared.
        [prepared] = await Promise.all([this.deps.prepare(), this.deps.saved?.().catch(() => undefined)]);
      } catch (err) {
        // e.g. SecretStorage or the network module failed to load: the question is kept, and the
        // user gets an error with Retry instead of a question left without an answer.
        const message = l10n.t('The request could not be started: {0}', err instanceof Error ? err.message : String(err));
        this.deps.log?.warn(message);
        conversation.addError(undefined, message, ['retry', 'openLog']);
        return;
      }
      if ('blocked' in prepared) {
        conversation.addError(undefined, prepared.message, [...prepared.actions, 'retry']);
        return;
      }
      let budget = contextBudget(prepared.contextLength, prepared.maxOutputTokens, prepared.system ?? '');
      if (overflowBudget !== undefined) budget = Math.min(budget, overflowBudget);
      const attachmentFits = fitNewestAttachments(conversation.messages, budget, prepared.imageInput !== false);
      const history = toChatTurns(conversation.messages, { fitted: attachmentFits, imageInput: prepared.imageInput });
      const fitted = fitHistory(history, budget);
      if (fitted.notice) this.deps.log?.warn(`Context: ${fitted.notice}`);
      const attachmentNotices = [...attachmentFits.values()].map((f) => f.notice).filter((n): n is string => !!n);
      for (const n of attachmentNotices) this.deps.log?.info(`Context: ${n}`);
      if (fitted.dropped > 0) {
        this.deps.log?.info(`Context: left out the ${fitted.dropped} oldest turn(s) to fit ${prepared.model}'s context.`);
      }
      const notice = [leftOutNotice(fitted.dropped, prepared.model, overflowBudget !== undefined), fitted.notice, ...attachmentNotices].filter(Boolean).join(' ');
      const reply = conversation.startAssistant(prepared.model, notice ? { notice } : undefined);
      this.running.replyId = reply.id;
      const historyTokens = fitted.turns.reduce((sum, t) => sum + turnCost(t), 0);
      const failure = await this.consume(prepared, fitted.turns, reply, controller.signal);
      this.overflow = failure?.kind === 'contextOverflow' ? { ...failure.overflow, replyId: reply.id, historyTokens } : undefined;
    } finally {
      this.running = undefined;
      finishRun();
      this.setBusy();
    }
  }

  /** Streams the reply into the conversation; returns the failure, if it failed. */
  private async consume(
    prepared: PreparedRequest,
    turns: ChatTurn[],
    reply: StoredMessage,
    signal: AbortSignal,
  ): Promise<GmiErrorInfo | undefined> {
    const conversation = this.deps.conversation;
    const request: ChatRequest = {
      model: prepared.model,
      api: prepared.api,
      system: prepared.system || undefined,
      messages: turns,
      maxTokens: prepared.maxTokens,
      temperature: prepared.temperature,
      thinkingBudgetTokens: prepared.thinkingBudgetTokens,
      reasoningEffort: prepared.reasoningEffort,
    };
    const usage: Usage = {};
    const status = new RetryStatus(conversation, reply.id);
    let failure: GmiErrorInfo | undefined;
    let ended: 'done' | 'stopped' | 'error' = 'error';
    let endReason: EndReason | undefined;
    try {
      for await (const event of prepared.client.stream(request, { signal })) {
        if (event.type !== 'retry' && event.type !== 'usage') status.clear();
        switch (event.type) {
          case 'retry':
            status.waiting(event);
            break;
          case 'text':
            conversation.append(reply.id, { text: event.text });
            break;
          case 'thinking':
            conversation.append(reply.id, { thinking: event.text });
            break;
          case 'textWasThinking':
            conversation.textToThinking(reply.id);
            break;
          case 'usage':
            Object.assign(usage, definedOnly(event.usage));
            break;
          case 'end':
            ended = event.reason === 'cancelled' ? 'stopped' : 'done';
            endReason = event.reason;
            break;
          case 'error':
            failure = event.error;
            ended = 'error';
            break;
          default:
            break;
        }
      }
    } catch (err) {
      // The client promises not to throw; if something still does, the reply must not hang.
      failure = { kind: 'unknown', message: l10n.t('Unexpected error: {0}', err instanceof Error ? err.message : String(err)), action: 'retry' };
      ended = 'error';
    }
    status.clear();
    if (signal.aborted && ended !== 'done') ended = 'stopped';
    const usageView = replyUsage(request.model, request.api, usage);
    conversation.finish(reply.id, ended, usageView ? { usage: usageView } : undefined);
    const notice = ended === 'done' && endReason ? endingNotice(endReason, request) : undefined;
    if (failure && ended === 'error') {
      conversation.addError(reply.id, failure.message, failureActions(failure));
      return failure;
    }
    if (notice) conversation.addError(reply.id, notice.message, notice.actions);
    return undefined;
  }
}

/**
 * The newest question's text attachments cut to what the budget leaves after the question's own
 * text and images (fitAttachments: the documented rule in context.ts), by attachment id.
 */
function fitNewestAttachments(messages: readonly StoredMessage[], budget: number, imageInput: boolean): Map<string, AttachmentFit> {
  let question: StoredMessage | undefined;
  for (let i = messages.length - 1; i >= 0 && !question; i--) if (messages[i].role === 'user') question = messages[i];
  const texts = (question?.attachments ?? []).filter((a) => a.kind !== 'image');
  if (!question || texts.length === 0) return new Map();
  const images = imageInput ? (question.attachments ?? []).length - texts.length : 0;
  const room = budget - estimateTokens(question.text) - images * IMAGE_TOKENS - ATTACHMENT_FRAME_TOKENS;
  const fits = fitAttachments(texts.map((a) => ({ name: a.name, text: a.text })), room);
  return new Map(texts.map((a, i) => [a.id, fits[i]]));
}

/** "The 4 oldest messages were left out to fit …'s context." — shown above the reply. */
function leftOutNotice(dropped: number, model: string, afterOverflow: boolean): string | undefined {
  if (dropped <= 0) return undefined;
  if (afterOverflow) {
    return dropped === 1
      ? l10n.t("The oldest message was left out to fit {0}'s context (GMI said the conversation was too long).", model)
      : l10n.t("The {0} oldest messages were left out to fit {1}'s context (GMI said the conversation was too long).", dropped, model);
  }
  return dropped === 1
    ? l10n.t("The oldest message was left out to fit {0}'s context.", model)
    : l10n.t("The {0} oldest messages were left out to fit {1}'s context.", dropped, model);
}

function definedOnly(u: Usage): Usage {
  const out: Usage = {};
  for (const [k, v] of Object.entries(u) as [keyof Usage, number | undefined][]) if (v !== undefined) out[k] = v;
  return out;
}
