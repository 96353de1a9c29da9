// The two wire formats behind one interface, so the client picks by `request.api` in one place:
// request builder, stream decoder, whole-reply decoder.
import * as l10n from '../l10n';
import { buildChatCompletionsRequest, ChatCompletionsDecoder, chatCompletionsReplyEvents } from './chatCompletions';
import { errorFromStreamPayload } from './errors';
import { buildMessagesRequest, MessagesDecoder, messagesReplyEvents } from './messages';
import type { ChatRequest, StreamEvent, WireApi } from './types';
import type { AuthOptions, BuiltRequest, StreamDecoder } from './wire';

type Secrets = ReadonlyArray<string | undefined>;

export interface WireFormat {
  build(req: ChatRequest, auth: AuthOptions): BuiltRequest;
  decoder(secrets: Secrets): StreamDecoder;
  /** A whole JSON reply (already checked not to be an error) → events, ending with `end` or `error`. */
  wholeReply(json: Record<string, unknown>, secrets: Secrets): StreamEvent[];
}

export const WIRE_FORMATS: Readonly<Record<WireApi, WireFormat>> = {
  chatCompletions: {
    build: buildChatCompletionsRequest,
    decoder: (secrets) => new ChatCompletionsDecoder(secrets),
    wholeReply: chatCompletionsReplyEvents,
  },
  messages: {
    build: buildMessagesRequest,
    decoder: (secrets) => new MessagesDecoder(secrets),
    wholeReply: messagesReplyEvents,
  },
};

/** A whole (non-streamed) JSON reply → the same events a stream would have produced. */
export function nonStreamedEvents(api: WireApi, text: string, secrets: Secrets): StreamEvent[] {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return [{ type: 'error', error: { kind: 'stream', message: l10n.t('GMI sent a reply that is neither a stream nor valid JSON. Try again.'), action: 'retry' }, partial: false }];
  }
  if (!json || typeof json !== 'object') {
    return [{ type: 'error', error: { kind: 'stream', message: l10n.t('GMI sent a reply that is neither a stream nor a JSON object. Try again.'), action: 'retry' }, partial: false }];
  }
  if (json.error || json.type === 'error') return [{ type: 'error', error: errorFromStreamPayload(json, secrets), partial: false }];
  return WIRE_FORMATS[api].wholeReply(json, secrets);
}
