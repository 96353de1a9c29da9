// The one typed protocol between the extension host and the chat webview, used by both bundles.
// Every message is validated on receipt: the webview is a view of hostile model output, so the
// host treats what it sends as untrusted, and the webview checks what the host sends too.
import { MAX_IMAGE_DATA_URL_CHARS } from '../attachments/images';

/** Most attachments one question carries. */
export const MAX_ATTACHMENTS = 20;

export type MessageRole = 'user' | 'assistant' | 'error';
export type AssistantState = 'streaming' | 'done' | 'stopped' | 'error' | 'interrupted';
export type ErrorActionId = 'setApiKey' | 'selectModel' | 'retry' | 'openSettings' | 'openLog' | 'dropOldestTurns';

/**
 * A reply's usage as shown under it. `inputTokens` is the whole prompt in both wire formats
 * (Messages' uncached input + cache reads + cache writes); `cachedTokens` of it were read from
 * the prompt cache, `cacheWriteTokens` written to it. `reasoningTokens` are part of `outputTokens`.
 * `costUsd` is an estimate from the catalog's list prices read on `pricesAsOf` (docs/MODELS.md).
 */
export interface UsageView {
  inputTokens?: number;
  outputTokens?: number;
  cachedTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
  costUsd?: number;
  pricesAsOf?: string;
}

export type AttachmentKind = 'file' | 'selection' | 'problems' | 'image';

/** An attachment as a chip shows it (src/attachments/attachment.ts holds what is stored and sent). */
export interface AttachmentView {
  id: string;
  kind: AttachmentKind;
  name: string;
  /** Bytes: UTF-8 text, or the decoded image. */
  size: number;
  /** Text attachments: the path (and lines) the model is told. */
  detail?: string;
  /** Images: a `data:image/…;base64,` URL (the CSP allows no other image source but the webview's own). */
  thumbnail?: string;
}

/** A message as the webview shows it. The host's conversation model is the source of truth. */
export interface MessageView {
  id: string;
  role: MessageRole;
  text: string;
  /** Reasoning, shown collapsed; assistant only. */
  thinking?: string;
  state?: AssistantState;
  model?: string;
  usage?: UsageView;
  /** For error messages: the buttons to show. */
  actions?: ErrorActionId[];
  /** For error messages: the assistant message it belongs to (Retry target). */
  replyTo?: string;
  /** A notice shown above the text, e.g. "selection was cut to fit the context". */
  notice?: string;
  /**
   * What a streaming reply is waiting for, e.g. "Retrying in 2 s (rate limit reached, HTTP 429)";
   * gone once text arrives or the reply ends. Never stored.
   */
  status?: string;
  /** For questions: what was attached to it. */
  attachments?: AttachmentView[];
}

export interface ChatStateView {
  /**
   * The conversation's newest messages, in order. A long conversation comes in parts (issue 13):
   * `olderCount` messages before these follow in `olderMessages` batches, so the view can draw the
   * newest ones before it has received (structured-cloned) the whole conversation.
   */
  messages: MessageView[];
  /** Names this state; the `olderMessages` batches that belong to it carry it. */
  stateId: number;
  /** How many older messages follow in batches; absent or 0: `messages` is the whole conversation. */
  olderCount?: number;
  hasApiKey: boolean;
  model: string;
  busy: boolean;
}

// ---- host → webview ----
export type HostToWebview =
  | { type: 'state'; state: ChatStateView }
  /**
   * The messages just before the ones the view has, in order, for state `stateId` (posted right after
   * the state, newest batch first); a batch for an older state is ignored.
   */
  | { type: 'olderMessages'; stateId: number; messages: MessageView[] }
  | { type: 'messageAdded'; message: MessageView }
  | { type: 'append'; id: string; text?: string; thinking?: string }
  | { type: 'messageUpdated'; message: MessageView }
  | { type: 'busy'; busy: boolean }
  /** The key or model changed: cheap, unlike a full `state` (which carries the conversation). */
  | { type: 'settings'; hasApiKey: boolean; model: string }
  /** `storedDraft`: the draft kept from an earlier view, which does not replace what was typed since. */
  | { type: 'setPrompt'; text: string; storedDraft?: boolean }
  | { type: 'focusPrompt' }
  /** The file references of reply `id` that name a file in the workspace (answer to resolveFiles). */
  | { type: 'fileLinks'; id: string; refs: string[] }
  /** The attachments waiting for the next question (all of them, after every change). */
  | { type: 'attachments'; attachments: AttachmentView[] }
  /** An Add context pick ended; `added`: something was attached. */
  | { type: 'contextPicked'; added: boolean }
  /** Shown above the prompt until the next change (a refused image, a model without image input); '' clears it. */
  | { type: 'composerNotice'; text: string };

// ---- webview → host ----
export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'send'; text: string }
  | { type: 'stop' }
  | { type: 'newChat' }
  | { type: 'retry'; id: string }
  /** Edit and resend: question `id` and everything after it are replaced by `text` and its reply. */
  | { type: 'edit'; id: string; text: string }
  /** Ask reply `id`'s question again, replacing the reply. */
  | { type: 'regenerate'; id: string }
  /** Copy reply `id`'s Markdown (the host takes it from its own record). */
  | { type: 'copyReply'; id: string }
  | { type: 'action'; action: ErrorActionId }
  | { type: 'copyCode'; id: string; block: number }
  | { type: 'insertCode'; id: string; block: number }
  | { type: 'applyCode'; id: string; block: number }
  | { type: 'openLink'; href: string }
  /** Which of these references from reply `id` name a workspace file? (The host checks each is in the reply.) */
  | { type: 'resolveFiles'; id: string; refs: string[] }
  | { type: 'openFile'; id: string; ref: string }
  | { type: 'promptDraft'; text: string }
  /** Open the Add context pick (the button, or `#` typed in the prompt). */
  | { type: 'pickContext'; via: 'button' | 'hash' }
  | { type: 'removeAttachment'; id: string }
  /** A pasted or dropped image: checked again on the host (shape, size, magic numbers). */
  | { type: 'addImage'; name: string; dataUrl: string }
  /** A pasted or dropped file the webview did not read (over 5 MB, not an image): the host says why. */
  | { type: 'imageRefused'; name: string; reason: 'tooLarge' | 'notImage' | 'unreadable'; bytes: number };

/** Longest prompt the host accepts from the webview (characters). */
export const MAX_PROMPT_CHARS = 1_000_000;
/** Longest link the host will consider opening. */
export const MAX_LINK_CHARS = 4096;
const MAX_ID_CHARS = 64;
const MAX_STATUS_CHARS = 300;
/** Longest file reference, and most references per reply, the host looks up. */
export const MAX_FILE_REF_CHARS = 300;
export const MAX_FILE_REFS = 200;
const MAX_BLOCK_INDEX = 10_000;
const MAX_ATTACHMENT_NAME_CHARS = 255;
const MAX_DETAIL_CHARS = 1024;
const ATTACHMENT_KINDS: readonly AttachmentKind[] = ['file', 'selection', 'problems', 'image'];
/** A `data:` URL of a PNG/JPEG/GIF/WebP image within MAX_IMAGE_BYTES (the host also checks the bytes). */
const isImageDataUrl = (v: unknown): v is string =>
  isStr(v, MAX_IMAGE_DATA_URL_CHARS) && /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/.test(v);

const ERROR_ACTIONS: readonly ErrorActionId[] = ['setApiKey', 'selectModel', 'retry', 'openSettings', 'openLog', 'dropOldestTurns'];
const ROLES: readonly MessageRole[] = ['user', 'assistant', 'error'];
const STATES: readonly AssistantState[] = ['streaming', 'done', 'stopped', 'error', 'interrupted'];

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStr = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
const isId = (v: unknown): v is string => isStr(v, MAX_ID_CHARS) && /^[A-Za-z0-9_-]+$/.test(v);
const isBlock = (v: unknown): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_BLOCK_INDEX;
const hasOnly = (o: Obj, keys: readonly string[]) => Object.keys(o).every((k) => keys.includes(k));
const isRef = (v: unknown): v is string => isStr(v, MAX_FILE_REF_CHARS) && v !== '';
const isRefs = (v: unknown): v is string[] => Array.isArray(v) && v.length <= MAX_FILE_REFS && v.every(isRef);
const isName = (v: unknown): v is string => isStr(v, MAX_ATTACHMENT_NAME_CHARS) && v.trim() !== '';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

export function isAttachmentView(v: unknown): v is AttachmentView {
  return (
    isObj(v) &&
    isId(v.id) &&
    ATTACHMENT_KINDS.includes(v.kind as AttachmentKind) &&
    isName(v.name) &&
    typeof v.size === 'number' && Number.isInteger(v.size) && v.size >= 0 &&
    (v.detail === undefined || isStr(v.detail, MAX_DETAIL_CHARS)) &&
    (v.kind === 'image' ? isImageDataUrl(v.thumbnail) : v.thumbnail === undefined)
  );
}
const isAttachments = (v: unknown): v is AttachmentView[] => Array.isArray(v) && v.length <= MAX_ATTACHMENTS && v.every(isAttachmentView);

/** Returns the message if it is a well-formed WebviewToHost, otherwise undefined. */
export function parseWebviewMessage(raw: unknown): WebviewToHost | undefined {
  if (!isObj(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready':
    case 'stop':
    case 'newChat':
      return hasOnly(raw, ['type']) ? { type: raw.type } : undefined;
    case 'send':
      return hasOnly(raw, ['type', 'text']) && isStr(raw.text, MAX_PROMPT_CHARS) && raw.text.trim() !== ''
        ? { type: 'send', text: raw.text }
        : undefined;
    case 'promptDraft':
      return hasOnly(raw, ['type', 'text']) && isStr(raw.text, MAX_PROMPT_CHARS)
        ? { type: 'promptDraft', text: raw.text }
        : undefined;
    case 'retry':
    case 'regenerate':
    case 'copyReply':
      return hasOnly(raw, ['type', 'id']) && isId(raw.id) ? { type: raw.type, id: raw.id } : undefined;
    case 'edit':
      return hasOnly(raw, ['type', 'id', 'text']) && isId(raw.id) && isStr(raw.text, MAX_PROMPT_CHARS) && raw.text.trim() !== ''
        ? { type: 'edit', id: raw.id, text: raw.text }
        : undefined;
    case 'action':
      return hasOnly(raw, ['type', 'action']) && ERROR_ACTIONS.includes(raw.action as ErrorActionId)
        ? { type: 'action', action: raw.action as ErrorActionId }
        : undefined;
    case 'copyCode':
    case 'insertCode':
    case 'applyCode':
      return hasOnly(raw, ['type', 'id', 'block']) && isId(raw.id) && isBlock(raw.block)
        ? { type: raw.type, id: raw.id, block: raw.block }
        : undefined;
    case 'openLink':
      return hasOnly(raw, ['type', 'href']) && isStr(raw.href, MAX_LINK_CHARS)
        ? { type: 'openLink', href: raw.href }
        : undefined;
    case 'resolveFiles':
      return hasOnly(raw, ['type', 'id', 'refs']) && isId(raw.id) && isRefs(raw.refs) && raw.refs.length > 0
        ? { type: 'resolveFiles', id: raw.id, refs: [...raw.refs] }
        : undefined;
    case 'openFile':
      return hasOnly(raw, ['type', 'id', 'ref']) && isId(raw.id) && isRef(raw.ref)
        ? { type: 'openFile', id: raw.id, ref: raw.ref }
        : undefined;
    case 'pickContext':
      return hasOnly(raw, ['type', 'via']) && (raw.via === 'button' || raw.via === 'hash') ? { type: 'pickContext', via: raw.via } : undefined;
    case 'removeAttachment':
      return hasOnly(raw, ['type', 'id']) && isId(raw.id) ? { type: 'removeAttachment', id: raw.id } : undefined;
    case 'addImage':
      return hasOnly(raw, ['type', 'name', 'dataUrl']) && isName(raw.name) && isImageDataUrl(raw.dataUrl)
        ? { type: 'addImage', name: raw.name, dataUrl: raw.dataUrl }
        : undefined;
    case 'imageRefused':
      return hasOnly(raw, ['type', 'name', 'reason', 'bytes']) &&
        isName(raw.name) &&
        (raw.reason === 'tooLarge' || raw.reason === 'notImage' || raw.reason === 'unreadable') &&
        typeof raw.bytes === 'number' && Number.isSafeInteger(raw.bytes) && raw.bytes >= 0
        ? { type: 'imageRefused', name: raw.name, reason: raw.reason, bytes: raw.bytes }
        : undefined;
    default:
      return undefined;
  }
}

function isUsage(v: unknown): v is UsageView {
  if (!isObj(v)) return false;
  const n = (x: unknown) => x === undefined || (typeof x === 'number' && Number.isFinite(x) && x >= 0);
  return (
    n(v.inputTokens) &&
    n(v.outputTokens) &&
    n(v.cachedTokens) &&
    n(v.cacheWriteTokens) &&
    n(v.reasoningTokens) &&
    n(v.costUsd) &&
    (v.pricesAsOf === undefined || (typeof v.pricesAsOf === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v.pricesAsOf)))
  );
}

export function isMessageView(v: unknown): v is MessageView {
  if (!isObj(v)) return false;
  return (
    isId(v.id) &&
    ROLES.includes(v.role as MessageRole) &&
    typeof v.text === 'string' &&
    (v.thinking === undefined || typeof v.thinking === 'string') &&
    (v.state === undefined || STATES.includes(v.state as AssistantState)) &&
    (v.model === undefined || typeof v.model === 'string') &&
    (v.usage === undefined || isUsage(v.usage)) &&
    (v.actions === undefined ||
      (Array.isArray(v.actions) && v.actions.every((a) => ERROR_ACTIONS.includes(a as ErrorActionId)))) &&
    (v.replyTo === undefined || isId(v.replyTo)) &&
    (v.notice === undefined || typeof v.notice === 'string') &&
    (v.status === undefined || isStr(v.status, MAX_STATUS_CHARS)) &&
    (v.attachments === undefined || isAttachments(v.attachments))
  );
}

/** Returns the message if it is a well-formed HostToWebview, otherwise undefined. */
export function parseHostMessage(raw: unknown): HostToWebview | undefined {
  if (!isObj(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'state': {
      const s = raw.state;
      if (
        isObj(s) &&
        Array.isArray(s.messages) &&
        s.messages.every(isMessageView) &&
        isCount(s.stateId) &&
        (s.olderCount === undefined || isCount(s.olderCount)) &&
        typeof s.hasApiKey === 'boolean' &&
        typeof s.model === 'string' &&
        typeof s.busy === 'boolean'
      ) {
        return raw as HostToWebview;
      }
      return undefined;
    }
    case 'olderMessages':
      return hasOnly(raw, ['type', 'stateId', 'messages']) &&
        isCount(raw.stateId) &&
        Array.isArray(raw.messages) &&
        raw.messages.length > 0 &&
        raw.messages.every(isMessageView)
        ? (raw as HostToWebview)
        : undefined;
    case 'messageAdded':
    case 'messageUpdated':
      return isMessageView(raw.message) ? (raw as HostToWebview) : undefined;
    case 'append':
      return isId(raw.id) &&
        (raw.text === undefined || typeof raw.text === 'string') &&
        (raw.thinking === undefined || typeof raw.thinking === 'string')
        ? (raw as HostToWebview)
        : undefined;
    case 'busy':
      return typeof raw.busy === 'boolean' ? (raw as HostToWebview) : undefined;
    case 'settings':
      return typeof raw.hasApiKey === 'boolean' && typeof raw.model === 'string' ? (raw as HostToWebview) : undefined;
    case 'setPrompt':
      return typeof raw.text === 'string' && (raw.storedDraft === undefined || typeof raw.storedDraft === 'boolean') ? (raw as HostToWebview) : undefined;
    case 'focusPrompt':
      return raw as HostToWebview;
    case 'fileLinks':
      return isId(raw.id) && isRefs(raw.refs) ? (raw as HostToWebview) : undefined;
    case 'attachments':
      return isAttachments(raw.attachments) ? (raw as HostToWebview) : undefined;
    case 'contextPicked':
      return typeof raw.added === 'boolean' ? (raw as HostToWebview) : undefined;
    case 'composerNotice':
      return isStr(raw.text, MAX_STATUS_CHARS * 2) ? (raw as HostToWebview) : undefined;
    default:
      return undefined;
  }
}
