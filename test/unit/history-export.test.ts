import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Conversation } from '../../src/chat/conversation';
import { closeOpenFence, exportMarkdown } from '../../src/history/exportMarkdown';

const GOLDEN = join(__dirname, 'fixtures', 'export.golden.md');
const T0 = Date.UTC(2025, 2, 14, 9, 26);

/** Every kind of message an export meets: code, thinking, usage, a notice, a stopped reply cut inside a fence, errors. */
function sampleConversation(): Conversation {
  let t = T0;
  const c = new Conversation(() => (t += 1000));
  c.addUser('How do I read a file line by line in Node?');
  const a1 = c.startAssistant('anthropic/claude-sonnet-4.5');
  c.append(a1.id, { thinking: 'The user wants streaming reads.\n\n- `readline` over a stream\n- not `readFileSync`' });
  c.append(a1.id, {
    text: 'Use `readline` with a read stream:\n\n```ts\nimport { createInterface } from "node:readline";\nimport { createReadStream } from "node:fs";\n\nfor await (const line of createInterface({ input: createReadStream("a.txt") })) {\n  console.log(line);\n}\n```\n\nIt never holds the whole file in memory.',
  });
  c.finish(a1.id, 'done', { usage: { inputTokens: 1234, outputTokens: 87 } });
  c.addUser('Explain this code from `src/sum.ts` lines 1-3:\n\n```ts\nlet s = 0;\nfor (const x of xs) s += x;\n```', { notice: 'Selection was cut to the first 3 of 900 lines.' });
  const a2 = c.startAssistant('deepseek-ai/DeepSeek-V3.2');
  c.append(a2.id, { text: 'It sums the list:\n\n```ts\nconst s = xs.reduce((a, b) => a + b, 0' });
  c.finish(a2.id, 'stopped');
  c.addUser('And in Python?');
  const a3 = c.startAssistant('deepseek-ai/DeepSeek-V3.2');
  c.finish(a3.id, 'error');
  c.addError(a3.id, 'GMI is busy (HTTP 529). Try again in a moment.', ['retry']);
  return c;
}

describe('history/exportMarkdown', () => {
  it('matches the golden file (questions, answers with code, thinking collapsed, model and tokens, notices, errors)', () => {
    const text = exportMarkdown(sampleConversation().messages, { title: 'How do I read a file line by line in Node?', createdAt: T0 });
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
    assert.equal(text, readFileSync(GOLDEN, 'utf8'));
  });

  it('the golden file has what a reader needs', () => {
    const golden = readFileSync(GOLDEN, 'utf8');
    assert.equal(golden.match(/^## Question$/gm)?.length, 3);
    assert.equal(golden.match(/^## Answer$/gm)?.length, 3);
    assert.match(golden, /<details>\n<summary>Thinking<\/summary>\n\n[^]*readline[^]*\n\n<\/details>/);
    assert.match(golden, /`anthropic\/claude-sonnet-4\.5` · tokens: 1,234 in, 87 out/);
    assert.match(golden, /stopped by the user/);
    // Fences balance: the stopped reply's open block is closed before the next heading.
    assert.equal((golden.match(/^```/gm)?.length ?? 0) % 2, 0);
  });

  it('names what was attached to a question, not its contents', () => {
    const md = exportMarkdown(
      [
        {
          id: 'q1', role: 'user', text: 'Why?', createdAt: 0,
          attachments: [
            { kind: 'selection', id: 'a1', name: 'app.ts:3-9', path: 'src/app.ts', languageId: 'typescript', text: 'SECRET_BODY', lines: { start: 3, end: 9 } },
            { kind: 'image', id: 'a2', name: 'shot.png', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
          ],
        },
      ],
      { title: 'T' },
    );
    assert.match(md, /^Why\?\n\n_Attached: `src\/app\.ts:3-9`, image `shot\.png`_$/m);
    assert.ok(!md.includes('SECRET_BODY') && !md.includes('iVBORw0KGgo'));
  });

  it('closes a fence left open, and only then', () => {
    assert.equal(closeOpenFence('a\n```ts\ncode'), 'a\n```ts\ncode\n```');
    assert.equal(closeOpenFence('````\n```\nstill inside'), '````\n```\nstill inside\n````');
    assert.equal(closeOpenFence('~~~\nx\n~~~'), '~~~\nx\n~~~');
    assert.equal(closeOpenFence('```js\nx\n```\n'), '```js\nx\n```\n');
    assert.equal(closeOpenFence('inline ``` is not a fence'), 'inline ``` is not a fence');
    assert.equal(closeOpenFence('```not `a` fence'), '```not `a` fence');
  });

  it('a thinking text cannot close the <details> section early', () => {
    const c = new Conversation();
    c.addUser('q');
    const a = c.startAssistant('m');
    c.append(a.id, { thinking: 'tricky </details> inside', text: 'answer' });
    c.finish(a.id, 'done');
    const md = exportMarkdown(c.messages, { title: 't' });
    assert.equal(md.match(/<\/details>/g)?.length, 1);
  });
});
