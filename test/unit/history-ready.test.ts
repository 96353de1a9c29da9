// The history opens after activation (src/history/historyReady.ts): a question sent before it is open
// waits and lands in the restored conversation; a history that cannot be opened is reported with a
// next step and the chat works in memory.
import assert from 'node:assert/strict';
import { ChatService, type StreamingClient } from '../../src/chat/chatService';
import type { ChatRequest, StreamEvent } from '../../src/gmi/types';
import { HistoryGate, openChatHistory, type OpenedHistory } from '../../src/history/historyReady';
import { HistoryStore } from '../../src/history/historyStore';
import { Conversation } from '../../src/chat/conversation';
import type { ErrorActionId } from '../../src/protocol/messages';
import { MemoryFs } from './helpers/memoryFs';

const DIR = '/storage/history';
const noLegacy = { get: () => undefined, update: async () => undefined };
const quietLog = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Answers every request with `reply`; records what it was sent. */
class OneReplyClient implements StreamingClient {
  readonly requests: ChatRequest[] = [];
  constructor(private readonly reply: string) {}
  async *stream(request: ChatRequest): AsyncIterable<StreamEvent> {
    this.requests.push(structuredClone(request));
    yield { type: 'text', text: this.reply };
    yield { type: 'end', reason: 'stop' };
  }
}

/** A disk whose reads wait until `release()`: the history is still opening while the test acts. */
function slowReads(fs: MemoryFs): { fs: MemoryFs; release: () => void; reads: () => number } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let reads = 0;
  const slow = fs.clone();
  const readFile = slow.readFile.bind(slow);
  slow.readFile = async (path) => {
    reads++;
    await released;
    return readFile(path);
  };
  return { fs: slow, release, reads: () => reads };
}

function chatOn(gate: HistoryGate, client: StreamingClient): ChatService {
  return new ChatService({
    get conversation() {
      return gate.current.conversation;
    },
    ready: () => (gate.opened ? undefined : gate.ready),
    saved: () => gate.current.flush(),
    prepare: async () => ({ client, model: 'anthropic/claude-sonnet-4.5', api: 'messages', contextLength: 200_000, maxOutputTokens: 8_000 }),
  });
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};
const texts = (opened: OpenedHistory) => opened.current.conversation.messages.map((m) => `${m.role}: ${m.text}`);

describe('history/historyReady: the history opens after activation', () => {
  let disposables: OpenedHistory[] = [];
  afterEach(() => {
    for (const o of disposables) o.current.dispose();
    disposables = [];
  });

  async function seeded(): Promise<{ fs: MemoryFs; id: string }> {
    const fs = new MemoryFs();
    const store = new HistoryStore(DIR, { fs });
    await store.open();
    const conversation = new Conversation();
    conversation.addUser('Which sort is stable?');
    const reply = conversation.startAssistant('anthropic/claude-sonnet-4.5');
    conversation.append(reply.id, { text: 'Merge sort.' });
    conversation.finish(reply.id, 'done');
    const id = store.newId();
    await store.saveConversation(id, conversation.toJSON());
    await store.setCurrent(id);
    await store.flush();
    return { fs, id };
  }

  it('a question sent before the history is open waits, then lands in the restored conversation (no throwaway one)', async () => {
    const { fs, id } = await seeded();
    const disk = slowReads(fs);
    const reports: string[] = [];
    const gate = new HistoryGate(() => openChatHistory({ dir: DIR, fs: disk.fs, legacyState: noLegacy, log: quietLog, report: (m) => reports.push(m) }));
    const client = new OneReplyClient('Insertion sort is stable too.');
    const chat = chatOn(gate, client);

    const sending = chat.send('And insertion sort?');
    await settle();
    assert.ok(disk.reads() > 0, 'the history is being read');
    assert.equal(gate.opened, undefined, 'still opening');
    assert.equal(client.requests.length, 0, 'nothing sent before the conversation is restored');
    assert.throws(() => gate.current, /not open yet/);

    disk.release();
    assert.equal(await sending, true);
    const opened = await gate.ready;
    disposables.push(opened);
    assert.equal(opened.current.id, id, 'the conversation shown last');
    assert.deepEqual(texts(opened), [
      'user: Which sort is stable?',
      'assistant: Merge sort.',
      'user: And insertion sort?',
      'assistant: Insertion sort is stable too.',
    ]);
    assert.equal(client.requests[0].messages.length, 3, 'the request carried the restored turns');
    assert.deepEqual(reports, []);

    await opened.current.flush();
    const reread = new HistoryStore(DIR, { fs: disk.fs });
    await reread.open();
    assert.deepEqual(reread.list().map((e) => [e.id, e.messageCount]), [[id, 4]], 'one conversation on disk, with the new turn');
  });

  it('a history that cannot be opened: one message with the next step (Show Log), and the chat works in memory', async () => {
    const fs = new MemoryFs();
    fs.failWhen = (op) => (op === 'mkdir' ? Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }) : undefined);
    const reports: Array<{ message: string; step: ErrorActionId }> = [];
    const errors: string[] = [];
    const gate = new HistoryGate(() =>
      openChatHistory({ dir: DIR, fs, legacyState: noLegacy, log: { ...quietLog, error: (m) => errors.push(m) }, report: (message, step) => reports.push({ message, step }) }),
    );
    const opened = await gate.ready;
    disposables.push(opened);
    assert.equal(reports.length, 1);
    assert.match(reports[0].message, /could not open its chat history folder \(EACCES: permission denied\)/);
    assert.match(reports[0].message, /works in this window/);
    assert.equal(reports[0].step, 'openLog');
    assert.ok(errors.some((e) => e.includes(DIR)), 'the log names the folder');

    const chat = chatOn(gate, new OneReplyClient('Still here.'));
    assert.equal(await chat.send('Does the chat work?'), true);
    assert.deepEqual(texts(opened), ['user: Does the chat work?', 'assistant: Still here.']);
  });
});
