import assert from 'node:assert/strict';
import { filterHistory, formatSize, historyItem, titleFrom, untitled, type HistoryEntry } from '../../src/history/historyList';

const entry = (id: string, title: string, extra: Partial<HistoryEntry> = {}): HistoryEntry => ({
  id,
  title,
  createdAt: 0,
  updatedAt: 0,
  messageCount: 2,
  size: 2048,
  ...extra,
});

describe('history/historyList', () => {
  describe('titleFrom: the first question, shortened', () => {
    const cases: [string, string | undefined, string][] = [
      ['short question as it is', 'How do I read a file?', 'How do I read a file?'],
      ['whitespace collapsed', '  How   do\tI  ', 'How do I'],
      ['first line of prose only', 'Explain this code from `a.ts`:\n\n```ts\nconst x = 1;\n```', 'Explain this code from `a.ts`:'],
      ['a leading fence is skipped', '```ts\nconst x = 1;\n```', 'const x = 1;'],
      ['nothing', undefined, untitled()],
      ['only spaces', '  \n ', untitled()],
      [
        'long: cut at a word, with an ellipsis',
        'Please refactor the whole module so that every function takes an options object instead of positional arguments',
        'Please refactor the whole module so that every function…',
      ],
      ['one long word: cut inside it', 'x'.repeat(100), `${'x'.repeat(59)}…`],
    ];
    for (const [name, question, title] of cases) it(name, () => assert.equal(titleFrom(question), title));
    it('never longer than 60 characters', () => {
      for (const q of ['a '.repeat(200), 'word '.repeat(40), 'ab'.repeat(31)]) assert.ok(titleFrom(q).length <= 60, titleFrom(q));
    });
  });

  describe('filterHistory: titles and text', () => {
    const entries = [
      entry('1', 'Parse JSON in Rust'),
      entry('2', 'Explain this regex'),
      entry('3', 'Refactor the parser'),
      entry('4', 'Unloaded conversation'),
    ];
    const texts: Record<string, string> = {
      '1': 'parse json in rust\nuse serde_json::from_str',
      '2': 'explain this regex\nit matches an email address',
      '3': 'refactor the parser\nthe tokenizer now returns an iterator',
    };
    const run = (q: string) => filterHistory(entries, q, (id) => texts[id]).map((m) => `${m.entry.id}:${m.in}`);

    it('an empty filter lists everything in the given order', () => assert.deepEqual(run('  '), ['1:title', '2:title', '3:title', '4:title']));
    it('matches titles, case-insensitively', () => assert.deepEqual(run('PARSE'), ['1:title', '3:title']));
    it('matches the text of the messages', () => assert.deepEqual(run('serde_json'), ['1:text']));
    it('every word must occur, in the title or the text', () => {
      assert.deepEqual(run('regex email'), ['2:text']);
      assert.deepEqual(run('regex serde_json'), []);
    });
    it('a conversation whose text is not loaded yet matches by title only', () => {
      assert.deepEqual(run('unloaded'), ['4:title']);
      assert.deepEqual(run('iterator'), ['3:text']);
    });
    it('keeps the order it was given (newest first)', () => {
      const reversed = filterHistory([...entries].reverse(), 'parse', (id) => texts[id]).map((m) => m.entry.id);
      assert.deepEqual(reversed, ['3', '1']);
    });
  });

  describe('historyItem', () => {
    it('title as label, model and "current" as description, date, messages and size as detail', () => {
      const now = new Date(2025, 5, 10, 15, 0).getTime();
      const e = entry('a', 'Parse JSON', { model: 'deepseek-ai/DeepSeek-V3.2', messageCount: 12, size: 35_000, updatedAt: new Date(2025, 5, 10, 9, 30).getTime() });
      const item = historyItem(e, 'a', now);
      assert.equal(item.label, 'Parse JSON');
      assert.equal(item.description, 'current · deepseek-ai/DeepSeek-V3.2');
      assert.match(item.detail, /^Today .*09.30.* · 12 messages · 34 KB$/);
      assert.equal(historyItem(e, 'other', now).description, 'deepseek-ai/DeepSeek-V3.2');
      const yesterday = historyItem({ ...e, messageCount: 1, updatedAt: new Date(2025, 5, 9, 23, 0).getTime() }, undefined, now);
      assert.match(yesterday.detail, /^Yesterday .* · 1 message · /);
      const older = historyItem({ ...e, updatedAt: new Date(2024, 0, 2, 8, 0).getTime() }, undefined, now);
      assert.match(older.detail, /2024/);
    });

    it('sizes', () => {
      assert.deepEqual([formatSize(512), formatSize(2048), formatSize(5 * 1024 * 1024)], ['512 B', '2 KB', '5.0 MB']);
    });
  });
});
