// What the fake GMI server is told to answer: one ReplyPlan per chat/messages request, in order.
// Plain data (JSON over the control API from other processes), so no functions in here.

/** A tool call the scripted reply makes. */
export interface FakeToolCall {
  id: string;
  name: string;
  /**
   * The call's arguments: an object is sent as its JSON; a string is sent exactly as given (so a
   * test can send arguments that are not valid JSON).
   */
  arguments: string | Record<string, unknown>;
}

/**
 * How the next chat/messages request is answered. Every field is optional; an empty plan is the
 * default echo reply. Fields that shape a streamed reply are ignored when `status` >= 400.
 */
export interface ReplyPlan {
  /**
   * Visible text of the reply. Default: an echo of the last user message plus a fenced ts block
   * (or, when the request ends with tool results, a line quoting them). `''` sends no text at all
   * (a reply of only tool calls).
   */
  text?: string;
  /** Reasoning text, sent before the text (reasoning_content / thinking blocks). */
  thinking?: string;
  /**
   * Chat Completions only: how thinking travels. `tags` puts `<think>…</think>` inside content;
   * `closingTag` puts `…</think>` without the opening tag (hosts whose chat template opens the block
   * in the prompt, e.g. DeepSeek-R1).
   */
  thinkingFormat?: 'reasoning_content' | 'tags' | 'closingTag';
  /** Messages only: a `redacted_thinking` block with this opaque data, before any thinking. */
  redactedThinking?: string;
  /** Characters per text/thinking delta (default 7). */
  chunkSize?: number;
  /** Wait between written events, in ms (default 0: written back to back, but still as separate writes). */
  delayMs?: number;
  /** Wait before sending the response headers, in ms. */
  headersDelayMs?: number;
  /** HTTP status. >= 400 sends an error reply: `body` or a realistic default body for that status. */
  status?: number;
  /** Extra response headers (e.g. retry-after, x-should-retry). */
  headers?: Record<string, string>;
  /** Raw error body (with `status` >= 400). Content type is guessed: JSON, HTML or plain text. */
  body?: string;
  /**
   * Token counts reported in the usage chunk / message_start + message_delta. `cached` is
   * `prompt_tokens_details.cached_tokens` / `cache_read_input_tokens`; `cacheWrite` is
   * `cache_creation_input_tokens` (Messages only).
   */
  usage?: { input?: number; output?: number; cached?: number; cacheWrite?: number; reasoning?: number };
  /** Chat Completions: every chunk carries the running usage (as some gateways do), not only the last one. */
  usageInEveryChunk?: boolean;
  /** Raw finish_reason (Chat Completions) or stop_reason (Messages). Default stop / end_turn, or tool_calls / tool_use with toolCalls. */
  stopReason?: string;
  /**
   * Tool calls sent after the text, in order: Chat Completions `tool_calls` deltas with index 0, 1, …
   * (the first delta of each carries id and name); Messages one `tool_use` block each, between
   * `content_block_start` and `content_block_stop`, its input as `input_json_delta` fragments.
   */
  toolCalls?: FakeToolCall[];
  /** Characters per tool-call arguments fragment (default: chunkSize). */
  toolArgsChunkSize?: number;
  /** Send an SSE comment (Chat Completions) or ping event (Messages) before every delta. */
  keepAlive?: boolean;
  /** After this many text/thinking deltas, stop writing but keep the socket open. */
  stallAfterChunks?: number;
  /** After this many text/thinking deltas, destroy the socket. */
  resetAfterChunks?: number;
  /** After this many text/thinking deltas, send a mid-stream error (chunk with `error` / Messages `error` event) and end. */
  errorAfterChunks?: number;
  /** The error sent by `errorAfterChunks` (default overloaded_error). */
  streamError?: { type: string; message: string };
  /** End the response without the final events ([DONE] / message_delta + message_stop, and no usage). */
  omitEnd?: boolean;
  /** Write exactly this SSE text as the body (200, text/event-stream) instead of a generated reply. */
  rawEvents?: string;
  /** With rawEvents: split the raw text into writes of this many bytes. */
  rawChunkBytes?: number;
  /** Destroy the socket as soon as the request arrives, before any response headers. */
  destroyBeforeHeaders?: boolean;
}
