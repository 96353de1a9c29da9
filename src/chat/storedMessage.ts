// One message of a conversation as the host keeps and stores it: the domain model, not the webview's
// protocol (src/protocol/messages.ts says what is shown; src/views/messageView.ts is the one mapping).
// A new field is one edit here (the type and readStoredMessage) and one in toMessageView;
// test/unit/chat-storedMessage.test.ts fails when either is forgotten. No `vscode` import, nothing
// from src/protocol.
import { NEXT_STEP_IDS, type NextStepId } from '../actions/nextSteps';
import { readStoredAttachment, type Attachment } from '../attachments/attachment';

export type MessageRole = 'user' | 'assistant' | 'error';
export type ReplyState = 'streaming' | 'done' | 'stopped' | 'error' | 'interrupted';

/**
 * A reply's usage. `inputTokens` is the whole prompt in both wire formats (Messages' uncached input
 * + cache reads + cache writes); `cachedTokens` of it were read from the prompt cache,
 * `cacheWriteTokens` written to it. `reasoningTokens` are part of `outputTokens`. `costUsd` is an
 * estimate from the catalog's list prices read on `pricesAsOf` (docs/MODELS.md).
 */
export interface ReplyUsage {
  inputTokens?: number;
  outputTokens?: number;
  cachedTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  costUsd?: number;
  pricesAsOf?: string;
}

export interface StoredMessage {
  /** Url-safe, at most 64 characters (newMessageId). */
  id: string;
  role: MessageRole;
  text: string;
  /** Milliseconds since the epoch; 0 when an older writer left it out. */
  createdAt: number;
  /** Shown above the text, e.g. "selection was cut to fit the context". */
  notice?: string;
  /** Questions: what was attached, in full (the view gets chips, the request cuts them). */
  attachments?: Attachment[];
  /** Replies: the model's reasoning. */
  thinking?: string;
  /** Replies: always set on a reply. */
  state?: ReplyState;
  /** Replies: the model that answered. */
  model?: string;
  usage?: ReplyUsage;
  /** Errors: what the user can do next (src/actions/nextSteps.ts). */
  actions?: NextStepId[];
  /** Errors: the reply it belongs to (the Retry target). */
  replyTo?: string;
  /** Replies while streaming: what they wait for (e.g. a retry). Live only: never read back. */
  status?: string;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const ROLES: readonly MessageRole[] = ['user', 'assistant', 'error'];
const REPLY_STATES: readonly ReplyState[] = ['streaming', 'done', 'stopped', 'error', 'interrupted'];
const COUNTS = ['inputTokens', 'outputTokens', 'cachedTokens', 'cacheWriteTokens', 'reasoningTokens', 'costUsd'] as const;

export const isMessageId = (v: unknown): v is string => typeof v === 'string' && ID.test(v);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const optional = (v: unknown, ok: (x: unknown) => boolean): boolean => v === undefined || ok(v);
const isString = (v: unknown): v is string => typeof v === 'string';

/** The usage as stored, or undefined when any of it is malformed. */
function readUsage(v: unknown): ReplyUsage | undefined {
  if (!isObj(v)) return undefined;
  const usage: ReplyUsage = {};
  for (const k of COUNTS) {
    const n = v[k];
    if (n === undefined) continue;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) return undefined;
    usage[k] = n;
  }
  if (v.pricesAsOf !== undefined) {
    if (typeof v.pricesAsOf !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v.pricesAsOf)) return undefined;
    usage.pricesAsOf = v.pricesAsOf;
  }
  return usage;
}

const isNextSteps = (v: unknown): v is NextStepId[] => Array.isArray(v) && v.every((a) => NEXT_STEP_IDS.includes(a as NextStepId));

/**
 * One stored message, or undefined when it cannot be trusted (a malformed field rejects the whole
 * message, as the previous version's reader did). Copies only known fields — stored data may carry
 * anything — and only those of its role; fills what an older writer left out (createdAt, a reply's
 * state, an error's actions). Reads every file the previous version wrote (MessageView fields +
 * createdAt + full attachments).
 */
export function readStoredMessage(v: unknown): StoredMessage | undefined {
  if (!isObj(v) || !isMessageId(v.id) || !ROLES.includes(v.role as MessageRole) || !isString(v.text)) return undefined;
  const usage = v.usage === undefined ? undefined : readUsage(v.usage);
  const valid =
    optional(v.notice, isString) &&
    optional(v.thinking, isString) &&
    optional(v.state, (s) => REPLY_STATES.includes(s as ReplyState)) &&
    optional(v.model, isString) &&
    (v.usage === undefined || usage !== undefined) &&
    optional(v.actions, isNextSteps) &&
    optional(v.replyTo, isMessageId);
  if (!valid) return undefined;

  const role = v.role as MessageRole;
  const createdAt = typeof v.createdAt === 'number' && Number.isFinite(v.createdAt) ? v.createdAt : 0;
  const m: StoredMessage = { id: v.id, role, text: v.text, createdAt };
  if (v.notice !== undefined) m.notice = v.notice as string;
  if (role === 'user' && Array.isArray(v.attachments)) {
    const attachments = v.attachments.map(readStoredAttachment).filter((a): a is Attachment => a !== undefined);
    if (attachments.length) m.attachments = attachments;
  } else if (role === 'assistant') {
    m.state = (v.state as ReplyState | undefined) ?? 'done';
    if (v.thinking !== undefined) m.thinking = v.thinking as string;
    if (v.model !== undefined) m.model = v.model as string;
    if (usage) m.usage = usage;
  } else if (role === 'error') {
    m.actions = v.actions ? [...(v.actions as NextStepId[])] : [];
    if (v.replyTo !== undefined) m.replyTo = v.replyTo as string;
  }
  return m;
}

/**
 * A shallow copy: strings are immutable, so this is O(number of fields), never O(text).
 * Listeners and persistence get copies so later appends can't change what they hold.
 */
export function copyMessage(m: StoredMessage): StoredMessage {
  const copy: StoredMessage = { ...m };
  if (m.actions) copy.actions = [...m.actions];
  if (m.usage) copy.usage = { ...m.usage };
  if (m.attachments) copy.attachments = [...m.attachments]; // attachments are never changed in place
  return copy;
}
