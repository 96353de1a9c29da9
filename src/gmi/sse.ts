// Bytes → server-sent events. The first layer of the stream (bytes → events → typed chunks),
// as in the OpenAI/Anthropic SDKs. `eventsource-parser` handles the line rules (LF/CR/CRLF,
// comments, multi-line data, the space after the colon); this layer adds the UTF-8 decoding
// across chunk boundaries and the end-of-stream rules.
import { createParser, type EventSourceParser } from 'eventsource-parser';

/** Longest event (or line) accepted; a server that never ends a line must not eat all memory. */
export const MAX_SSE_BUFFER_CHARS = 16 * 1024 * 1024;

/** Thrown by SseDecoder.push when one event grows past MAX_SSE_BUFFER_CHARS. */
export class SseOverflowError extends Error {
  constructor() {
    super(`server-sent event larger than ${MAX_SSE_BUFFER_CHARS / (1024 * 1024)} MB`);
    this.name = 'SseOverflowError';
  }
}

export interface SseEvent {
  /** `event:` field; undefined when the server sent none. */
  event?: string;
  data: string;
  id?: string;
}

/** Feed it bytes as they arrive; it returns the events completed by each chunk. */
export class SseDecoder {
  // ignoreBOM keeps a BOM in the output, so exactly one leading BOM is stripped below for bytes and strings alike.
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  private readonly parser: EventSourceParser;
  private pending: SseEvent[] = [];
  private started = false;
  private lastChar = '';
  private overflow = false;
  /** Comments (`: keep-alive`) seen so far. */
  comments = 0;

  constructor(maxBufferChars: number = MAX_SSE_BUFFER_CHARS) {
    this.parser = createParser({
      maxBufferSize: maxBufferChars,
      onError: (e) => {
        if (e.type === 'max-buffer-size-exceeded') this.overflow = true;
        // unknown fields and bad `retry:` values are ignored, as the spec says
      },
      onEvent: (e) => this.pending.push({ event: e.event, data: e.data, id: e.id }),
      onComment: () => {
        this.comments++;
      },
    });
  }

  push(chunk: Uint8Array | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.overflow) throw new SseOverflowError();
    if (text.length > 0) {
      this.lastChar = text[text.length - 1];
      this.parser.feed(text);
    }
    if (this.overflow) throw new SseOverflowError();
    return this.take();
  }

  /**
   * The stream is over. A final event ended by a lone CR is only known to be complete now
   * (the parser waits to see whether an LF follows); an unfinished event is discarded.
   */
  end(): SseEvent[] {
    if (this.overflow) return [];
    const rest = this.decoder.decode();
    if (rest) this.push(rest);
    if (this.lastChar === '\r') this.parser.feed('\n');
    this.parser.reset();
    return this.take();
  }

  private take(): SseEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

/** Decodes a whole byte stream into events (convenient for tests and simple consumers). */
export async function* iterateSse(body: AsyncIterable<Uint8Array | string>): AsyncGenerator<SseEvent> {
  const decoder = new SseDecoder();
  for await (const chunk of body) yield* decoder.push(chunk);
  yield* decoder.end();
}
