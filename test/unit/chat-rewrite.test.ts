// Edit and resend, regenerate, and the question being on disk before its request leaves: ChatService
// with the real history (CurrentConversation + HistoryStore on an in-memory disk).
import assert from 'node:assert/strict';
import { ChatService, type PreparedRequest, type StreamingClient } from '../../src/chat/chatService';
import { ConversationStore } from '../../src/chat/conversationStore';
import { CurrentConversation } from '../../src/history/currentConversation';
import { HistoryStore } from '../../src/history/historyStore';
import type { ChatRequest, StreamEvent } from '../../src/gmi/types';
import { MemoryFs } from './helpers/memoryFs';

const DIR = '/storage/history';

/** Answers each request with the next text; requests from number `holdFrom` on stream until `release()`. */
class Replies implements StreamingClient {
  readonly requests: ChatRequest[] = [];
  /** The stored conversation files at the moment each request went out. */
  readonly diskAtSend: string[] = [];
  private releaseHeld: (() => void) | undefined;
  constructor(
    private readonly texts: string[],
    private readonly fs?: MemoryFs,
    private readonly holdFrom = Infinity,
  ) {}
  stream(request: ChatRequest): AsyncIterable<StreamEvent> {
    this.requests.push(structuredClone(request));
    this.diskAtSend.push([...(this.fs?.files ?? new Map<string, string>()).entries()].filter(([p]) => /conversations\/\w+\.json$/.test(p)).map(([, t]) => t).join('\n'));
    const text = this.texts.shift() ?? 'no reply scripted';
    const held = this.requests.length > this.holdFrom ? new Promise<void>((r) => (this.releaseHeld = r)) : Promise.resolve();
    return (async function* () {
      yield { type: 'text', text } as StreamEvent;
      await held;
      yield { type: 'end', reason: 'stop' } as StreamEvent;
    })();
  }
  release(): void {
    this.releaseHeld?.();
  }
}

const asSent = (r: ChatRequest) => r.messages.map((m) => `${m.role}:${typeof m.content === 'string' ? m.content : '[parts]'}`);

describe('ChatService: edit and resend, regenerate', () => {
  let fs: MemoryFs;
  let history: HistoryStore;
  let current: CurrentConversation;

  beforeEach(async () => {
    fs = new MemoryFs();
    history = new HistoryStore(DIR, { fs, now: () => 1_700_000_000_000 });
    await history.open();
    current = (await CurrentConversation.restore(history, new ConversationStore())).current;
  });
  afterEach(() => current.dispose());

  function service(client: StreamingClient): ChatService {
    const prepared: PreparedRequest = { client, model: 'anthropic/claude-sonnet-4.5', api: 'messages', contextLength: 200_000, maxOutputTokens: 8_000 };
    return new ChatService({
      get conversation() {
        return current.conversation;
      },
      prepare: async () => prepared,
      saved: () => current.flush(),
      keepBranch: async (json, why) => void (await current.saveCopy(json, (t) => `${t} (before ${why})`)),
    });
  }
  const shown = () => current.conversation.messages.map((m) => `${m.role}:${m.text}`);

  it('edit replaces the question and everything after it; the old branch is kept as its own conversation, on disk before the request', async () => {
    const client = new Replies(['A1', 'A2', 'A2 edited'], fs);
    const chat = service(client);
    await chat.send('Q1');
    await chat.send('Q2 with a typo');
    const q2 = current.conversation.messages[2];
    const before = shown();

    assert.equal(await chat.edit(q2.id, 'Q2 fixed'), 'sent');
    assert.deepEqual(shown(), ['user:Q1', 'assistant:A1', 'user:Q2 fixed', 'assistant:A2 edited']);
    assert.deepEqual(asSent(client.requests[2]), ['user:Q1', 'assistant:A1', 'user:Q2 fixed'], 'the edited history is what is sent');

    await current.flush();
    const others = history.list().filter((e) => e.id !== current.id);
    assert.equal(others.length, 1, 'one branch kept');
    assert.equal(others[0].title, 'Q1 (before edit)');
    assert.equal(others[0].messageCount, 4);
    const branch = await history.load(others[0].id);
    assert.deepEqual(branch?.conversation.messages.map((m) => `${m.role}:${m.text}`), before);
    assert.ok(client.diskAtSend[2].includes('Q2 with a typo') && client.diskAtSend[2].includes('"Q2 fixed"'), 'branch and edited question were on disk when the request went out');
    assert.equal(history.entry(current.id)?.title, 'Q1', 'the conversation itself keeps its title');
  });

  it('regenerate replaces the last reply (no branch: no question is dropped); an earlier reply keeps a branch', async () => {
    const client = new Replies(['A1', 'A2', 'A2 again', 'A1 again'], fs);
    const chat = service(client);
    await chat.send('Q1');
    await chat.send('Q2');
    const a2 = current.conversation.messages[3];
    assert.equal(await chat.regenerate(a2.id), 'sent');
    assert.deepEqual(shown(), ['user:Q1', 'assistant:A1', 'user:Q2', 'assistant:A2 again']);
    assert.deepEqual(asSent(client.requests[2]), ['user:Q1', 'assistant:A1', 'user:Q2']);
    await current.flush();
    assert.equal(history.list().length, 1, 'no branch for the last reply');

    const a1 = current.conversation.messages[1];
    assert.equal(await chat.regenerate(a1.id), 'sent');
    assert.deepEqual(shown(), ['user:Q1', 'assistant:A1 again']);
    await current.flush();
    const branch = history.list().find((e) => e.id !== current.id);
    assert.equal(branch?.messageCount, 4, 'the dropped question Q2 is kept in a branch');
    assert.equal(branch?.title, 'Q1 (before regenerate)');
  });

  it('refuses edit and regenerate while a reply streams, and leaves the conversation as it is', async () => {
    const client = new Replies(['A1', 'long reply'], fs, 1);
    const chat = service(client);
    await chat.send('Q1');
    const sending = chat.send('Q2');
    while (!current.conversation.streaming?.text) await new Promise((r) => setTimeout(r, 1));
    const [q1, a1] = current.conversation.messages;
    const before = shown();
    assert.equal(await chat.edit(q1.id, 'changed'), 'busy');
    assert.equal(await chat.regenerate(a1.id), 'busy');
    assert.deepEqual(shown(), before);
    client.release();
    await sending;
    await current.flush();
    assert.equal(history.list().length, 1, 'no branch was made');
  });

  it('an edit whose branch cannot be saved changes nothing and sends nothing', async () => {
    const client = new Replies(['A1'], fs);
    const chat = service(client);
    await chat.send('Q1');
    await current.flush();
    fs.failWhen = (op, path) => (op === 'writeFile' && !path.includes(current.id) && /conversations/.test(path) ? new Error('ENOSPC: no space left on device') : undefined);
    const before = shown();
    assert.equal(await chat.edit(current.conversation.messages[0].id, 'Q1 again'), 'branchNotKept');
    assert.deepEqual(shown(), before);
    assert.equal(client.requests.length, 1);
  });

  it('unknown ids and non-questions are not edited; an empty edit is refused', async () => {
    const chat = service(new Replies(['A1'], fs));
    await chat.send('Q1');
    const [q1, a1] = current.conversation.messages;
    assert.equal(await chat.edit('nope', 'x'), 'notFound');
    assert.equal(await chat.edit(a1.id, 'x'), 'notFound');
    assert.equal(await chat.edit(q1.id, '   '), 'notFound');
    assert.equal(await chat.regenerate(q1.id), 'notFound');
  });

  it('a question is on disk before its request goes out, and the send does not wait for the write to start the request preparation', async () => {
    let openGate!: () => void;
    const gate = new Promise<void>((r) => (openGate = r));
    const write = fs.writeFile.bind(fs);
    fs.writeFile = async (path, data) => {
      if (/conversations\/\w+\.json/.test(path)) await gate;
      return write(path, data);
    };
    const client = new Replies(['A1'], fs);
    let prepared = 0;
    const chat = new ChatService({
      get conversation() {
        return current.conversation;
      },
      prepare: async () => {
        prepared++;
        return { client, model: 'anthropic/claude-sonnet-4.5', api: 'messages', contextLength: 200_000, maxOutputTokens: 8_000 };
      },
      saved: () => current.flush(),
    });
    const sending = chat.send('Keep me');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(prepared, 1, 'the request is prepared meanwhile');
    assert.equal(client.requests.length, 0, 'nothing is sent while the question is not on disk');
    openGate();
    await sending;
    assert.equal(client.requests.length, 1);
    assert.ok(client.diskAtSend[0].includes('Keep me'));
  });
});
