// Decoding, proven exhaustively: the recorded streams of both formats, re-delivered with every line
// ending, a BOM, keep-alive comments, `ping` and unknown events, split at every byte position and
// one byte at a time, decode to exactly the hand-written StreamEvent sequences; property tests add
// arbitrary chunkings, mixed line endings and interleaved comments; a subset goes through GmiClient
// and the loopback server byte by byte.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { GmiClient } from '../../src/gmi/client';
import type { StreamEvent, WireApi } from '../../src/gmi/types';
import { startFakeGmi, type FakeGmi } from '../fake-gmi/server';
import {
  allVariants,
  APIS,
  cutAt,
  decodeChunks,
  eventBlocks,
  expectedEvents,
  PING_EVENT,
  recordedStream,
  renderVariant,
  UNKNOWN_EVENT,
  variantName,
  type Eol,
} from './fixtures/recordedStreams';
import './helpers/unhandledRejections';

const utf8 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

describe('reliability: decoding recorded streams', function () {
  this.timeout(120_000);

  for (const api of APIS) {
    describe(api, () => {
      const expected = expectedEvents(api);
      const raw = recordedStream(api);

      it('the hand-written expectation covers text, thinking, tool calls, usage and the end', () => {
        const types = new Set(expected.map((e) => e.type));
        for (const t of ['text', 'thinking', 'toolCall', 'usage', 'end']) assert.ok(types.has(t as StreamEvent['type']), t);
        const text = expected.map((e) => (e.type === 'text' ? e.text : '')).join('');
        assert.match(text, /\p{Extended_Pictographic}/u, 'a 4-byte emoji');
        assert.match(text, /\p{Script=Han}|\p{Script=Hiragana}/u, 'CJK');
        assert.ok([...Buffer.from(raw, 'utf8')].some((b) => b >= 0xf0), 'the bytes hold 4-byte UTF-8 sequences');
      });

      for (const v of allVariants()) {
        describe(variantName(v), () => {
          const { text, comments } = renderVariant(raw, v);
          const bytes = utf8(text);

          it('whole', () => {
            const out = decodeChunks(api, [bytes]);
            assert.deepEqual(out.events, expected);
            assert.equal(out.comments, comments);
          });

          it('split at every byte position', () => {
            for (let i = 1; i < bytes.length; i++) {
              const out = decodeChunks(api, [bytes.subarray(0, i), bytes.subarray(i)]);
              assert.deepEqual(out.events, expected, `split at byte ${i} of ${bytes.length}`);
            }
          });

          it('one byte at a time', () => {
            assert.deepEqual(decodeChunks(api, Array.from(bytes, (b) => Uint8Array.of(b))).events, expected);
          });
        });
      }

      it('property: any chunking of any variant decodes the same', () => {
        const variants = allVariants();
        fc.assert(
          fc.property(
            fc.constantFrom(...variants),
            fc.uniqueArray(fc.nat(), { maxLength: 40 }),
            (v, seeds) => {
              const bytes = utf8(renderVariant(raw, v).text);
              const cuts = [...new Set(seeds.map((s) => 1 + (s % (bytes.length - 1))))].sort((a, b) => a - b);
              assert.deepEqual(decodeChunks(api, cutAt(bytes, cuts)).events, expected);
            },
          ),
          { numRuns: 400 },
        );
      });

      it('property: mixed line endings per line, interleaved comments, pings and unknown events, any chunking', () => {
        const blocks = eventBlocks(raw);
        // Per event: extra lines to put before it (comment / ping / unknown event / nothing) and
        // whether a comment goes between its fields; per line: its line ending.
        const extra = fc.constantFrom<string[][]>([], [[': keep-alive']], [PING_EVENT], [UNKNOWN_EVENT], [[':'], PING_EVENT]);
        fc.assert(
          fc.property(
            fc.array(fc.tuple(extra, fc.boolean()), { minLength: blocks.length, maxLength: blocks.length }),
            fc.array(fc.constantFrom<Eol>('\n', '\r\n', '\r'), { minLength: 400, maxLength: 400 }),
            fc.boolean(),
            fc.uniqueArray(fc.nat(), { maxLength: 25 }),
            (perEvent, eols, bom, seeds) => {
              const lines: string[] = [];
              blocks.forEach((block, i) => {
                const [before, inline] = perEvent[i];
                for (const b of before) lines.push(...b, '');
                if (inline && block.length > 0) lines.push(block[0], ': inline', ...block.slice(1), '');
                else lines.push(...block, '');
              });
              let text = bom ? '\uFEFF' : '';
              let prevEol: Eol | undefined;
              lines.forEach((line, i) => {
                let eol = eols[i % eols.length];
                // A CR followed by an LF is one line ending (CRLF): an empty line after a CR-ended
                // line must not start with LF, or the two would merge and the event would not end.
                if (prevEol === '\r' && line === '' && eol === '\n') eol = '\r';
                text += line + eol;
                prevEol = eol;
              });
              const bytes = utf8(text);
              const cuts = [...new Set(seeds.map((s) => 1 + (s % (bytes.length - 1))))].sort((a, b) => a - b);
              assert.deepEqual(decodeChunks(api, cutAt(bytes, cuts)).events, expected);
            },
          ),
          { numRuns: 300 },
        );
      });
    });
  }

  describe('through GmiClient and the loopback server, written a few bytes at a time', () => {
    let fake: FakeGmi;
    let client: GmiClient;
    before(async () => {
      fake = await startFakeGmi();
      client = new GmiClient({ baseUrl: fake.baseUrl, apiKey: 'k', maxRetries: 0 });
    });
    after(async () => {
      await client.close();
      await fake.close();
    });

    const cases: Array<[WireApi, Eol, boolean, number]> = [
      ['chatCompletions', '\r', true, 1],
      ['chatCompletions', '\r\n', true, 3],
      ['chatCompletions', '\n', false, 2],
      ['messages', '\r', true, 1],
      ['messages', '\r\n', false, 2],
      ['messages', '\n', true, 5],
    ];
    for (const [api, eol, extras, rawChunkBytes] of cases) {
      const v = { eol, bom: true, extras };
      it(`${api} ${variantName(v)} in ${rawChunkBytes}-byte writes`, async () => {
        fake.enqueue({ rawEvents: renderVariant(recordedStream(api), v).text, rawChunkBytes });
        const model = api === 'messages' ? 'anthropic/claude-sonnet-4.5' : 'deepseek-ai/DeepSeek-V3.2';
        const events: StreamEvent[] = [];
        for await (const e of client.stream({ model, api, messages: [{ role: 'user', content: 'hi' }] })) events.push(e);
        assert.deepEqual(events, expectedEvents(api));
      });
    }
  });
});
