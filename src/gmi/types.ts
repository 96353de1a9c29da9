// Public types of the GMI client. This folder never imports `vscode`: it is plain Node,
// tested in plain Node, and hands the editor one typed stream of events.

/** Which wire format a request uses. */
export type WireApi = 'chatCompletions' | 'messages';

/** `reasoning_effort` for models that take it (src/gmi/modelRules.ts). */
export type ReasoningEffort = 'low' | 'medium' | 'high';

/** Image types both wire formats (and Anthropic's limits) accept. */
export type ImageMediaType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

/**
 * A block of reasoning the assistant wrote on Messages, kept to be sent back unchanged with its turn:
 * with extended thinking on, Anthropic requires the turn that made tool calls to start with it.
 */
export type ThinkingBlock =
  /** Reasoning with Anthropic's signature, which covers the text: both come back as they were. */
  | { type: 'thinking'; text: string; signature: string }
  /** Reasoning the provider encrypted (`redacted_thinking`): only its opaque data. */
  | { type: 'redactedThinking'; data: string };

/** One piece of a turn's content. A plain string content is the same as one `text` part. */
export type ContentPart =
  /**
   * Assistant turns only. Messages sends it back first in the turn (when thinking is on for the
   * request; otherwise it is left out); Chat Completions has no field for it and leaves it out.
   */
  | ThinkingBlock
  | { type: 'text'; text: string }
  /** base64 data (no `data:` prefix). */
  | { type: 'image'; mediaType: ImageMediaType; data: string }
  /** A tool call the assistant made (assistant turns only). `input` is the parsed JSON arguments. */
  | { type: 'toolCall'; id: string; name: string; input: Record<string, unknown> }
  /** The result of running a tool call (user turns only), answering the call with the same id. */
  | { type: 'toolResult'; toolCallId: string; content: string; isError?: boolean };

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string | ContentPart[];
}

/** A turn of plain text (the sidebar chat's history, cut to fit by src/chat/context.ts). */
export interface TextTurn extends ChatTurn {
  content: string;
}

/** A tool the model may call. `inputSchema` is a JSON Schema object. */
export interface ToolDefinition {
  name: string;
  description?: string;
  inputSchema?: Record<string, unknown>;
}

/** `auto`: the model decides; `required`: it must call some tool; `none`: no tool; `{name}`: that tool. */
export type ToolChoice = 'auto' | 'required' | 'none' | { name: string };

export interface ChatRequest {
  /** Fully qualified model id, e.g. `anthropic/claude-sonnet-4.5`. */
  model: string;
  api: WireApi;
  /** System prompt; a top-level field for Messages, a `system` message for Chat Completions. */
  system?: string;
  messages: ChatTurn[];
  maxTokens?: number;
  temperature?: number;
  /**
   * Extended thinking budget (Claude on Messages; other models ignore it, with a log line).
   * `maxTokens` is raised past it when needed, and temperature is then left out.
   */
  thinkingBudgetTokens?: number;
  /** `reasoning_effort` (Chat Completions, for the families that take it; others ignore it). */
  reasoningEffort?: ReasoningEffort;
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
}

/** Why a stream ended normally. `cancelled` is the caller's own abort. */
export type EndReason =
  | 'stop'
  | 'length'
  | 'toolCalls'
  | 'contentFilter'
  | 'refusal'
  | 'cancelled'
  | 'unknown';

export interface Usage {
  inputTokens?: number;
  outputTokens?: number;
  /** Input tokens read from the prompt cache (`cached_tokens` / `cache_read_input_tokens`). */
  cachedTokens?: number;
  /** Input tokens written to the prompt cache (`cache_creation_input_tokens`). */
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

/** What the UI can offer as the next step for a failure. */
export type ErrorAction = 'setApiKey' | 'selectModel' | 'retry' | 'openSettings' | 'dropOldestTurns';

export type GmiErrorKind =
  | 'auth' // 401 / 403: bad or missing key
  | 'billing' // 402
  | 'modelNotFound' // 404 "No matching target server found for model …"
  | 'notFound' // other 404s (wrong base URL)
  | 'badRequest' // 400 / 422
  | 'tooLarge' // 413
  | 'contextOverflow' // the prompt is longer than the model's context (errors.ts: contextOverflow)
  | 'rateLimit' // 429
  | 'server' // 5xx
  | 'overloaded' // 529 / overloaded_error
  | 'network' // connection refused / reset / DNS
  | 'timeout' // no response headers in time
  | 'idleTimeout' // the body went silent
  | 'stream' // malformed stream, error event mid-stream, stream cut short
  | 'insecureBaseUrl' // base URL refused before the key was sent
  | 'certificate' // TLS certificate not trusted
  | 'unknown';

/** A failure a person can act on. `message` never contains the API key. */
export interface GmiErrorInfo {
  kind: GmiErrorKind;
  message: string;
  status?: number;
  /** When the server said to try again, in ms from now. */
  retryAfterMs?: number;
  action?: ErrorAction;
  requestId?: string;
  /** For `contextOverflow`: the numbers the server gave, when it gave them. */
  overflow?: ContextOverflow;
}

/** What a "prompt is too long" error said, in tokens. */
export interface ContextOverflow {
  /** The prompt as the server counted it. */
  promptTokens?: number;
  /** The model's context window. */
  limitTokens?: number;
  /** The reply limit the server counted against the window too (max_tokens), when it says so. */
  outputTokens?: number;
}

/**
 * The one stream every consumer reads. A stream yields any number of
 * text / thinking / toolCall / usage / retry events and then exactly one
 * `end` or `error`, after which it is finished.
 */
export type StreamEvent =
  | { type: 'text'; text: string }
  | { type: 'thinking'; text: string }
  /**
   * The text handed out so far (exactly `text`) was reasoning: the model closed a `</think>` it
   * never opened (its chat template opens the block in the prompt). Consumers move that text to
   * thinking; the answer follows as `text` events.
   */
  | { type: 'textWasThinking'; text: string }
  /**
   * A Messages thinking block (its text already came as `thinking` events, now with its signature)
   * or redacted_thinking block is complete: what to send back with this turn (a `ContentPart`).
   * Unsigned thinking is not handed out: it could not be sent back. Display-only consumers ignore it.
   */
  | { type: 'thinkingBlock'; block: ThinkingBlock }
  /**
   * A complete tool call, yielded once its arguments have fully arrived (decoders assemble the
   * streamed fragments by index / content block). Arguments that are not a JSON object end the
   * stream with an `error` instead; a half-parsed call is never yielded.
   */
  | { type: 'toolCall'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'usage'; usage: Usage }
  /**
   * A failed attempt will be retried after `delayMs`: `attempt` is the retry about to be made
   * (1 = the second try) of at most `maxRetries`; `reason` is short ("rate limit reached, HTTP 429").
   */
  | { type: 'retry'; attempt: number; maxRetries: number; delayMs: number; reason: string }
  | { type: 'end'; reason: EndReason }
  | { type: 'error'; error: GmiErrorInfo; /** true if any text/thinking was already yielded */ partial: boolean };

export interface ModelInfo {
  id: string;
  ownedBy?: string;
  contextLength?: number;
  maxOutputTokens?: number;
  /** true when it came from the built-in catalog, not the live list. */
  fromCatalog?: boolean;
}

/** Minimal logger so the client can log without knowing about VS Code. */
export interface ClientLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}
