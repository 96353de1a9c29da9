import assert from 'node:assert/strict';
import { classifyPart, ImageInputError, mapRequest, promptTsxText } from '../../src/provider/messageMapping';
import { LmToolMode } from '../../src/provider/vscodeLm';
import { assistant, classes, DataPart, PNG, PromptTsxPart, system, TextPart, ThinkingPart, ToolCallPart, ToolResultPart, user } from './helpers/fakeLm';

const claude = { id: 'anthropic/claude-sonnet-4.5', imageInput: true };
const textOnly = { id: 'deepseek-ai/DeepSeek-V3.2', imageInput: false };

describe('provider: message mapping', () => {
  it('maps text turns in order and joins a message’s text parts into one string', () => {
    const m = mapRequest(
      [user(new TextPart('Hello '), new TextPart('there')), assistant(new TextPart('Hi!')), user(new TextPart('Explain X'))],
      {},
      classes,
      claude,
    );
    assert.deepEqual(m.turns, [
      { role: 'user', content: 'Hello there' },
      { role: 'assistant', content: 'Hi!' },
      { role: 'user', content: 'Explain X' },
    ]);
    assert.equal(m.system, undefined);
    assert.equal(m.tools, undefined);
    assert.equal(m.toolChoice, undefined);
  });

  it('takes System-role messages out as the system prompt', () => {
    const m = mapRequest([system(new TextPart('Be brief.')), system(new TextPart('Use TypeScript.')), user(new TextPart('Q'))], {}, classes, claude);
    assert.equal(m.system, 'Be brief.\n\nUse TypeScript.');
    assert.deepEqual(m.turns, [{ role: 'user', content: 'Q' }]);
  });

  it('merges consecutive messages of one role, keeping them apart as paragraphs', () => {
    const m = mapRequest([user(new TextPart('context')), user(new TextPart('question'))], {}, classes, claude);
    assert.deepEqual(m.turns, [{ role: 'user', content: 'context\n\nquestion' }]);
  });

  it('maps tool definitions, Auto → auto and Required → required; no tools means no tool choice', () => {
    const tools = [
      { name: 'read_file', description: 'Reads a file', inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] } },
      { name: 'now', description: '' },
    ];
    const auto = mapRequest([user(new TextPart('q'))], { tools, toolMode: LmToolMode.Auto }, classes, claude);
    assert.deepEqual(auto.tools, [
      { name: 'read_file', description: 'Reads a file', inputSchema: tools[0].inputSchema },
      { name: 'now', inputSchema: { type: 'object', properties: {} } },
    ]);
    assert.equal(auto.toolChoice, 'auto');
    const required = mapRequest([user(new TextPart('q'))], { tools, toolMode: LmToolMode.Required }, classes, claude);
    assert.equal(required.toolChoice, 'required');
    const none = mapRequest([user(new TextPart('q'))], { tools: [], toolMode: LmToolMode.Required }, classes, claude);
    assert.equal(none.tools, undefined);
    assert.equal(none.toolChoice, undefined);
  });

  it('maps a tool round trip: calls in the assistant turn, results first in the next user turn', () => {
    const m = mapRequest(
      [
        user(new TextPart('What is in a.ts and b.ts?')),
        assistant(new TextPart('Reading both.'), new ToolCallPart('c1', 'read_file', { path: 'a.ts' }), new ToolCallPart('c2', 'read_file', { path: 'b.ts' })),
        user(new ToolResultPart('c1', [new TextPart('export const a = 1;')]), new ToolResultPart('c2', [new TextPart('line 1\n'), new TextPart('line 2')])),
        user(new TextPart('Thanks')),
      ],
      {},
      classes,
      claude,
    );
    assert.deepEqual(m.turns, [
      { role: 'user', content: 'What is in a.ts and b.ts?' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Reading both.' },
          { type: 'toolCall', id: 'c1', name: 'read_file', input: { path: 'a.ts' } },
          { type: 'toolCall', id: 'c2', name: 'read_file', input: { path: 'b.ts' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'toolResult', toolCallId: 'c1', content: 'export const a = 1;' },
          { type: 'toolResult', toolCallId: 'c2', content: 'line 1\nline 2' },
          { type: 'text', text: 'Thanks' },
        ],
      },
    ]);
  });

  it('keeps an error flag on a tool result and turns prompt-tsx and JSON data into text', () => {
    const tsx = new PromptTsxPart({ node: { type: 1, children: [{ type: 2, text: 'File ' }, { type: 1, children: [{ type: 2, text: 'not found' }] }] } });
    const failed = Object.assign(new ToolResultPart('c9', [tsx, DataPart.json({ code: 2 })]), { isError: true });
    const m = mapRequest([assistant(new ToolCallPart('c9', 'read', {})), user(failed)], {}, classes, claude);
    assert.deepEqual(m.turns[1], { role: 'user', content: [{ type: 'toolResult', toolCallId: 'c9', content: 'File not found{"code":2}', isError: true }] });
  });

  it('sends an image part as base64 with its media type, and counts it', () => {
    const m = mapRequest([user(new TextPart('What is this?'), DataPart.image(PNG, 'image/png'))], {}, classes, claude);
    assert.equal(m.imageCount, 1);
    assert.deepEqual(m.turns[0].content, [
      { type: 'text', text: 'What is this?' },
      { type: 'image', mediaType: 'image/png', data: Buffer.from(PNG).toString('base64') },
    ]);
  });

  it('refuses an image for a model without image input before anything is mapped further', () => {
    assert.throws(
      () => mapRequest([user(new TextPart('What is this?'), DataPart.image(PNG, 'image/png'))], {}, classes, textOnly),
      (err: unknown) => err instanceof ImageInputError && /DeepSeek-V3\.2 does not accept images, so nothing was sent/.test(err.message),
    );
  });

  it('refuses an image format neither wire format takes', () => {
    assert.throws(
      () => mapRequest([user(DataPart.image(PNG, 'image/bmp'))], {}, classes, claude),
      (err: unknown) => err instanceof ImageInputError && /image\/bmp/.test(err.message),
    );
  });

  it('puts an image a tool returned after the results, or a note when the model takes no images', () => {
    const result = new ToolResultPart('s1', [new TextPart('screenshot:'), DataPart.image(PNG, 'image/jpg')]);
    const vision = mapRequest([assistant(new ToolCallPart('s1', 'shot', {})), user(result)], {}, classes, claude);
    assert.deepEqual(vision.turns[1].content, [
      { type: 'toolResult', toolCallId: 's1', content: 'screenshot:' },
      { type: 'image', mediaType: 'image/jpeg', data: Buffer.from(PNG).toString('base64') },
    ]);
    assert.equal(vision.imageCount, 0);
    const blind = mapRequest([assistant(new ToolCallPart('s1', 'shot', {})), user(result)], {}, classes, textOnly);
    assert.deepEqual(blind.turns[1].content, [
      { type: 'toolResult', toolCallId: 's1', content: 'screenshot:[image omitted: this model does not accept images]' },
    ]);
    assert.ok(blind.notes.some((n) => /tool result was left out/.test(n)));
  });

  it('reads text and JSON data parts as text and leaves other data out with a note', () => {
    const m = mapRequest(
      [user(DataPart.text('# Notes', 'text/markdown'), new DataPart(new TextEncoder().encode('ephemeral'), 'cache_control'), new TextPart(' end'))],
      {},
      classes,
      claude,
    );
    assert.deepEqual(m.turns, [{ role: 'user', content: '# Notes end' }]);
    assert.deepEqual(m.notes, ['a cache_control data part was left out']);
  });

  it('never sends earlier thinking back, and drops a turn left empty', () => {
    const m = mapRequest([user(new TextPart('q')), assistant(new ThinkingPart('let me think', 'th1')), user(new TextPart('again'))], {}, classes, claude);
    assert.deepEqual(m.turns, [{ role: 'user', content: 'q\n\nagain' }]);
    assert.ok(m.notes.some((n) => /thinking/.test(n)));
  });

  it('recognises parts by shape when they are not instances of the known classes', () => {
    assert.deepEqual(classifyPart({ value: 'plain' }, {}), { kind: 'text', value: 'plain' });
    assert.deepEqual(classifyPart({ callId: 'x', name: 'n', input: { a: 1 } }, {}), { kind: 'toolCall', callId: 'x', name: 'n', input: { a: 1 } });
    assert.equal(classifyPart({ callId: 'x', content: [] }, {}).kind, 'toolResult');
    assert.equal(classifyPart({ data: new Uint8Array(1), mimeType: 'image/png' }, {}).kind, 'data');
    assert.equal(classifyPart(new ThinkingPart('hm'), classes).kind, 'thinking');
    assert.equal(classifyPart(42, {}).kind, 'unknown');
  });

  it('reads prompt-tsx text nodes in order, and falls back to JSON without any', () => {
    assert.equal(promptTsxText({ node: { children: [{ text: 'a' }, { children: [{ text: 'b' }] }, { text: 'c' }] } }), 'abc');
    assert.equal(promptTsxText({ n: 1 }), '{"n":1}');
  });
});
