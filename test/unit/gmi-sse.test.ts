import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { iterateSse, SseDecoder, SseOverflowError, type SseEvent } from '../../src/gmi/sse';
import './helpers/unhandledRejections';

// A recorded-style stream exercising the rules that bite: a BOM, LF / CRLF / CR line endings,
// comments (keep-alives), multi-line data, the optional space after the colon, `event:` and `id:`
// fields (an id belongs to the event that carries it), multi-byte UTF-8 (emoji is 4 bytes, CJK 3 bytes), and an unfinished event at the end.
const RECORDED =
  '\uFEFF' +
  ': keep-alive\n\n' +
  'event: message_start\ndata: {"type":"message_start","text":"héllo 😀"}\n\n' +
  'data: {"content":"中文字符"}\r\n\r\n' +
  'data:no-space\r\rid: 7\rdata: line one\rdata: line two\r\r' +
  ':comment with CRLF\r\n' +
  'event: ping\r\ndata: {"type":"ping"}\r\n\r\n' +
  'data: 🎉🎉 end of 👍🏽 the line\n\n' +
  'data: [DONE]\n\n' +
  'data: unfinished event that never gets its blank line\n';

const EXPECTED: SseEvent[] = [
  { event: 'message_start', data: '{"type":"message_start","text":"héllo 😀"}', id: undefined },
  { event: undefined, data: '{"content":"中文字符"}', id: undefined },
  { event: undefined, data: 'no-space', id: undefined },
  { event: undefined, data: 'line one\nline two', id: '7' },
  { event: 'ping', data: '{"type":"ping"}', id: undefined },
  { event: undefined, data: '🎉🎉 end of 👍🏽 the line', id: undefined },
  { event: undefined, data: '[DONE]', id: undefined },
];

function decodeChunks(chunks: Uint8Array[]): { events: SseEvent[]; comments: number } {
  const d = new SseDecoder();
  const events: SseEvent[] = [];
  for (const c of chunks) events.push(...d.push(c));
  events.push(...d.end());
  return { events, comments: d.comments };
}

const bytes = new Uint8Array(Buffer.from(RECORDED, 'utf8'));

describe('gmi/sse', () => {
  it('decodes the recorded stream in one piece', () => {
    const { events, comments } = decodeChunks([bytes]);
    assert.deepEqual(events, EXPECTED);
    assert.equal(comments, 2);
  });

  it('gives the same events when the bytes are split at every position', () => {
    for (let i = 1; i < bytes.length; i++) {
      const { events } = decodeChunks([bytes.subarray(0, i), bytes.subarray(i)]);
      assert.deepEqual(events, EXPECTED, `split at byte ${i}`);
    }
  });

  it('gives the same events one byte at a time', () => {
    const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
    assert.deepEqual(decodeChunks(chunks).events, EXPECTED);
  });

  it('gives the same events for any partition of the bytes', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 30 }), (cuts) => {
        const sorted = [...cuts].sort((a, b) => a - b);
        const chunks: Uint8Array[] = [];
        let prev = 0;
        for (const c of [...sorted, bytes.length]) {
          chunks.push(bytes.subarray(prev, c));
          prev = c;
        }
        assert.deepEqual(decodeChunks(chunks).events, EXPECTED);
      }),
      { numRuns: 300 },
    );
  });

  it('strips only one leading BOM and keeps a BOM later in the data', () => {
    const d = new SseDecoder();
    const events = [...d.push(Buffer.from('\uFEFFdata: \uFEFFx\n\n', 'utf8')), ...d.end()];
    assert.deepEqual(events.map((e) => e.data), ['\uFEFFx']);
  });

  it('completes a final event ended by a lone CR only at end of stream', () => {
    const d = new SseDecoder();
    assert.deepEqual(d.push('data: a\r\r'), []); // could still be CRLF
    assert.deepEqual(d.end().map((e) => e.data), ['a']);
  });

  it('discards an unfinished event at the end of the stream', () => {
    const d = new SseDecoder();
    const events = [...d.push('data: complete\n\ndata: partial'), ...d.end()];
    assert.deepEqual(events.map((e) => e.data), ['complete']);
  });

  it('refuses an event that grows past the buffer limit', () => {
    const d = new SseDecoder(100);
    assert.deepEqual(d.push('data: small\n\n').map((e) => e.data), ['small']);
    assert.throws(() => d.push(`data: ${'x'.repeat(200)}`), SseOverflowError);
    assert.throws(() => d.push('\n\n'), SseOverflowError);
  });

  it('ignores unknown fields and bad retry values', () => {
    const d = new SseDecoder();
    const events = [...d.push('foo: bar\nretry: soon\ndata: kept\n\n'), ...d.end()];
    assert.deepEqual(events.map((e) => e.data), ['kept']);
  });

  it('iterateSse decodes an async byte stream', async () => {
    async function* source(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < bytes.length; i += 5) yield bytes.subarray(i, i + 5);
    }
    const events: SseEvent[] = [];
    for await (const e of iterateSse(source())) events.push(e);
    assert.deepEqual(events, EXPECTED);
  });
});
