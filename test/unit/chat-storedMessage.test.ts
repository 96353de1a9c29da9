// The domain model of a message (chat/storedMessage.ts) against its reader and its one view mapping
// (views/messageView.ts). A field added to StoredMessage or MessageView makes the tables below fail to
// compile until it is listed; listed, the tests fail until the reader and toMessageView carry it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { toAttachmentView } from '../../src/attachments/attachment';
import { interruptedText } from '../../src/chat/conversation';
import { readStoredMessage, type MessageRole, type ReplyUsage, type StoredMessage } from '../../src/chat/storedMessage';
import { HistoryStore } from '../../src/history/historyStore';
import { isMessageView, type MessageView } from '../../src/protocol/messages';
import { NOT_SHOWN, toMessageView } from '../../src/views/messageView';
import { PNG_1PX } from './helpers/images';
import { MemoryFs } from './helpers/memoryFs';

const ALL: readonly MessageRole[] = ['user', 'assistant', 'error'];

/** Which messages carry each field. The compiler insists on a line per StoredMessage field. */
const CARRIED_BY: Record<keyof StoredMessage, readonly MessageRole[]> = {
  id: ALL,
  role: ALL,
  text: ALL,
  createdAt: ALL,
  notice: ALL,
  attachments: ['user'],
  thinking: ['assistant'],
  state: ['assistant'],
  model: ['assistant'],
  usage: ['assistant'],
  status: ['assistant'],
  actions: ['error'],
  replyTo: ['error'],
};

/** Kept while the window lives, never read back from a file. */
const LIVE_ONLY: ReadonlyArray<keyof StoredMessage> = ['status'];

/** Every field of the view. The compiler insists on a line per MessageView field. */
const VIEW_FIELDS: Record<keyof MessageView, true> = {
  id: true,
  role: true,
  text: true,
  thinking: true,
  state: true,
  model: true,
  usage: true,
  actions: true,
  replyTo: true,
  notice: true,
  status: true,
  attachments: true,
};

const FULL_USAGE: Required<ReplyUsage> = {
  inputTokens: 1200,
  outputTokens: 80,
  cachedTokens: 1000,
  cacheWriteTokens: 100,
  reasoningTokens: 20,
  costUsd: 0.0042,
  pricesAsOf: '2026-11-01',
};

/** One message per role with every field that role carries. */
const FULL: Record<MessageRole, StoredMessage> = {
  user: {
    id: 'u1',
    role: 'user',
    text: 'Why does `add` fail?',
    createdAt: 100,
    notice: 'The selection was cut to fit the context.',
    attachments: [
      { kind: 'selection', id: 'f1', name: 'app.ts:3-3', path: 'src/app.ts', languageId: 'typescript', text: 'a - b', lines: { start: 3, end: 3 } },
      { kind: 'image', id: 'i1', name: 'shot.png', mediaType: 'image/png', data: PNG_1PX },
    ],
  },
  assistant: {
    id: 'a1',
    role: 'assistant',
    text: 'It subtracts.',
    createdAt: 101,
    notice: 'Older turns were left out.',
    thinking: 'The minus sign.',
    state: 'stopped',
    model: 'anthropic/claude-sonnet-4.5',
    usage: FULL_USAGE,
    status: 'Retrying in 2 s',
  },
  error: {
    id: 'e1',
    role: 'error',
    text: 'The model is not available.',
    createdAt: 102,
    notice: 'n',
    actions: ['selectModel', 'retry'],
    replyTo: 'a1',
  },
};

const keysOf = (o: object): string[] => Object.keys(o).sort();
const without = (m: StoredMessage, fields: ReadonlyArray<keyof StoredMessage>): Partial<StoredMessage> =>
  Object.fromEntries(Object.entries(m).filter(([k]) => !fields.includes(k as keyof StoredMessage)));

describe('chat/storedMessage: the model, its reader and its view mapping stay in step', () => {
  it('the full messages fill every field their role carries (so the tests below see every field)', () => {
    for (const role of ALL) {
      const carried = Object.entries(CARRIED_BY)
        .filter(([, roles]) => roles.includes(role))
        .map(([k]) => k);
      assert.deepEqual(keysOf(FULL[role]), carried.sort(), role);
    }
  });

  it('the reader gives back every stored field of a message written as JSON; live-only fields are dropped', () => {
    for (const role of ALL) {
      const read = readStoredMessage(JSON.parse(JSON.stringify(FULL[role])));
      assert.deepEqual(read, without(FULL[role], LIVE_ONLY), role);
    }
  });

  it('toMessageView shows every field but the ones it names as not shown, and fills every field of the view', () => {
    const shown = new Set<string>();
    for (const role of ALL) {
      const m = FULL[role];
      const view = toMessageView(m);
      assert.ok(isMessageView(view), role);
      assert.deepEqual(keysOf(view), keysOf(without(m, NOT_SHOWN)), role);
      for (const [k, v] of Object.entries(view)) {
        shown.add(k);
        const expected = k === 'attachments' ? m.attachments!.map(toAttachmentView) : m[k as keyof StoredMessage];
        assert.deepEqual(v, expected, `${role}.${k}`);
      }
    }
    assert.deepEqual([...shown].sort(), keysOf(VIEW_FIELDS));
  });

  it('the view is a copy: changing it leaves the stored message alone', () => {
    const view = toMessageView(FULL.error);
    view.actions!.push('openLog');
    assert.deepEqual(FULL.error.actions, ['selectModel', 'retry']);
    const reply = toMessageView(FULL.assistant);
    reply.usage!.inputTokens = 0;
    assert.equal(FULL_USAGE.inputTokens, 1200);
  });
});

describe('chat/storedMessage: a conversation file of the previous version', () => {
  const file = readFileSync(join(__dirname, 'fixtures', 'conversation-v1.json'), 'utf8');

  it('loads field for field (its streaming reply as interrupted, with Retry after it)', async () => {
    const fs = new MemoryFs();
    await fs.mkdir('/h/conversations');
    await fs.writeFile('/h/conversations/c1.json', file);
    const history = new HistoryStore('/h', { fs, now: () => 9 });
    await history.open();
    assert.deepEqual(
      history.list().map((e) => [e.id, e.title, e.model, e.messageCount]),
      [['c1', 'Subtraction bug', 'openai/gpt-5', 6]],
    );
    const loaded = (await history.load('c1'))!;
    assert.deepEqual(loaded.problems, []);
    const [u1, a1, u2, a2, e1, a3, retry] = loaded.conversation.messages;
    assert.deepEqual(u1, {
      id: 'u1',
      role: 'user',
      text: 'Why does `add` fail?',
      createdAt: 1764600000000,
      notice: 'The selection was cut to fit the context.',
      attachments: [
        { kind: 'file', id: 'f1', name: 'app.ts', path: 'src/app.ts', languageId: 'typescript', text: 'export const add = (a: number, b: number) => a - b;\n', lines: { start: 3, end: 3 } },
        { kind: 'image', id: 'i1', name: 'shot.png', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
      ],
    });
    assert.deepEqual(a1, {
      id: 'a1',
      role: 'assistant',
      text: 'It subtracts.',
      createdAt: 1764600000001,
      notice: 'Older turns were left out.',
      thinking: 'The minus sign.',
      state: 'done',
      model: 'anthropic/claude-sonnet-4.5',
      usage: FULL_USAGE,
    });
    assert.deepEqual(u2, { id: 'u2', role: 'user', text: 'And now?', createdAt: 1764600000002 });
    assert.deepEqual(a2, { id: 'a2', role: 'assistant', text: 'Partly', state: 'error', model: 'openai/gpt-5', createdAt: 1764600000003 });
    assert.deepEqual(e1, { id: 'e1', role: 'error', text: 'GMI is overloaded (HTTP 529).', actions: ['retry', 'openLog'], replyTo: 'a2', createdAt: 1764600000004 });
    assert.deepEqual(a3, { id: 'a3', role: 'assistant', text: 'Streaming when the window closed', state: 'interrupted', model: 'openai/gpt-5', createdAt: 1764600000005 });
    assert.deepEqual(without(retry, ['id']), { role: 'error', text: interruptedText(), actions: ['retry'], replyTo: 'a3', createdAt: 9 });
    for (const m of loaded.conversation.messages) assert.ok(isMessageView(toMessageView(m)), m.id);
  });
});
