// What both wire formats share: auth headers, the built request, the decoder interface, the stream
// errors, and the small helpers for content parts and tool-call arguments.
import * as l10n from '../l10n';
import { GmiError } from './errors';
import type { SseEvent } from './sse';
import type { ChatTurn, ContentPart, GmiErrorInfo, StreamEvent } from './types';

export interface AuthOptions {
  apiKey: string;
  organizationId?: string;
  userAgent?: string;
}

export interface BuiltRequest {
  /** Path relative to the base URL. */
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  /** What the family's rules changed or left out (src/gmi/modelRules.ts), for the log. */
  notes: string[];
}

/** Something a stream decoder can be: turns SSE events into StreamEvents, knows when it is done. */
export interface StreamDecoder {
  decode(event: SseEvent): StreamEvent[];
  /** The body ended; returns the terminal event if the stream had none yet. */
  finish(): StreamEvent[];
  /** A terminal event (end or error) has been produced. */
  readonly done: boolean;
}

export function commonHeaders(auth: AuthOptions): Record<string, string> {
  const h: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'text/event-stream',
    authorization: `Bearer ${auth.apiKey}`,
  };
  if (auth.organizationId) h['x-organization-id'] = auth.organizationId;
  if (auth.userAgent) h['user-agent'] = auth.userAgent;
  return h;
}

/** Error for a stream that stopped before its end marker. */
export function cutOffError(what: string): GmiErrorInfo {
  return {
    kind: 'stream',
    message: l10n.t('The reply was cut off: the connection closed before GMI finished ({0}). Try again.', what),
    action: 'retry',
  };
}

export function malformedError(detail: string): GmiErrorInfo {
  return {
    kind: 'stream',
    message: l10n.t('GMI sent a malformed stream event ({0}). Try again.', detail),
    action: 'retry',
  };
}

/** A turn's content as parts (a plain string is one text part). */
export function contentParts(content: ChatTurn['content']): ContentPart[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/** A part in a turn that cannot carry it (e.g. a tool result in an assistant turn): refused before sending. */
export function misplacedPartError(part: ContentPart['type'], role: ChatTurn['role']): GmiError {
  const what: Record<ContentPart['type'], string> = {
    text: l10n.t('text'),
    image: l10n.t('an image'),
    toolCall: l10n.t('a tool call'),
    toolResult: l10n.t('a tool result'),
    thinking: l10n.t('thinking'),
    redactedThinking: l10n.t('redacted thinking'),
  };
  return new GmiError({
    kind: 'badRequest',
    message:
      role === 'assistant'
        ? l10n.t('The request was not sent: {0} cannot be part of an assistant message.', what[part])
        : l10n.t('The request was not sent: {0} cannot be part of a user message.', what[part]),
  });
}

/** JSON Schema for a tool that declares no input (both formats want an object schema). */
export function emptyInputSchema(): Record<string, unknown> {
  return { type: 'object', properties: {} };
}
