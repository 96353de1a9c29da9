import assert from 'node:assert/strict';
import {
  Conversation,
  interruptedText,
  newMessageId,
  type ConversationChange,
} from '../../src/chat/conversation';
import type { StoredMessage } from '../../src/chat/storedMessage';
import { isMessageView } from '../../src/protocol/messages';
import { toMessageView } from '../../src/views/messageView';

function record(c: Conversation): ConversationChange[] {
  const events: ConversationChange[] = [];
  c.onDidChange((e) => events.push(e));
  return events;
}

describe('chat/conversation', () => {
  it('makes url-safe ids within the protocol limit, all different', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = newMessageId();
      assert.match(id, /^[A-Za-z0-9_-]+$/);
      assert.ok(id.length <= 64);
      seen.add(id);
    }
    assert.equal(seen.size, 1000);
  });

  it('adds a user message with a notice and reports it', () => {
    let t = 1000;
    const c = new Conversation(() => t++);
    const events = record(c);
    const m = c.addUser('hello', { notice: 'cut' });
    assert.equal(m.role, 'user');
    assert.equal(m.text, 'hello');
    assert.equal(m.notice, 'cut');
    assert.equal(m.createdAt, 1000);
    assert.equal(c.get(m.id), m);
    assert.deepEqual(events, [{ kind: 'added', message: { ...m } }]);
    assert.ok(isMessageView(toMessageView(m)));
  });

  it('streams a reply: appended events carry only the delta, finish updates state and usage', () => {
    const c = new Conversation();
    c.addUser('q');
    const events = record(c);
    const a = c.startAssistant('anthropic/claude-sonnet-4.5');
    assert.equal(a.state, 'streaming');
    assert.equal(c.streaming?.id, a.id);
    c.append(a.id, { thinking: 'hmm' });
    c.append(a.id, { text: 'Hel' });
    c.append(a.id, { text: 'lo', thinking: '!' });
    c.append(a.id, { text: '' }); // nothing to say: no event
    c.finish(a.id, 'done', { usage: { inputTokens: 3, outputTokens: 2 } });
    assert.equal(c.get(a.id)?.text, 'Hello');
    assert.equal(c.get(a.id)?.thinking, 'hmm!');
    assert.equal(c.streaming, undefined);
    assert.deepEqual(
      events.map((e) => e.kind),
      ['added', 'appended', 'appended', 'appended', 'updated'],
    );
    assert.deepEqual(events[1], { kind: 'appended', id: a.id, thinking: 'hmm' });
    assert.deepEqual(events[2], { kind: 'appended', id: a.id, text: 'Hel' });
    assert.deepEqual(events[3], { kind: 'appended', id: a.id, text: 'lo', thinking: '!' });
    const upd = events[4] as { kind: 'updated'; message: StoredMessage };
    assert.equal(upd.message.state, 'done');
    assert.deepEqual(upd.message.usage, { inputTokens: 3, outputTokens: 2 });
  });

  it('event messages are snapshots: later appends do not change what a listener got', () => {
    const c = new Conversation();
    const events = record(c);
    const a = c.startAssistant('m');
    c.append(a.id, { text: 'abc' });
    const added = events[0] as { kind: 'added'; message: StoredMessage };
    assert.equal(added.message.text, '');
    assert.equal(c.get(a.id)?.text, 'abc');
  });

  it('ignores deltas and finishes for unknown or finished messages (first ending wins)', () => {
    const c = new Conversation();
    const u = c.addUser('q');
    const a = c.startAssistant('m');
    c.finish(a.id, 'stopped');
    const events = record(c);
    c.append(a.id, { text: 'late token' });
    c.append('nope', { text: 'x' });
    c.append(u.id, { text: 'x' });
    c.finish(a.id, 'error');
    c.finish('nope', 'done');
    assert.equal(events.length, 0);
    assert.equal(c.get(a.id)?.text, '');
    assert.equal(c.get(a.id)?.state, 'stopped');
    assert.equal(u.text, 'q');
  });

  it('adds errors with actions and the reply they belong to', () => {
    const c = new Conversation();
    c.addUser('q');
    const a = c.startAssistant('m');
    c.finish(a.id, 'error');
    const e = c.addError(a.id, 'Bad key', ['setApiKey', 'retry']);
    assert.equal(e.role, 'error');
    assert.equal(e.replyTo, a.id);
    assert.deepEqual(e.actions, ['setApiKey', 'retry']);
    assert.ok(isMessageView(toMessageView(e)));
    const e2 = c.addError(undefined, 'No key', ['setApiKey']);
    assert.equal('replyTo' in e2, false);
  });

  it('retry: finds the question and drops the failed reply and everything after it', () => {
    const c = new Conversation();
    const q1 = c.addUser('one');
    const a1 = c.startAssistant('m');
    c.finish(a1.id, 'done');
    const q2 = c.addUser('two');
    const a2 = c.startAssistant('m');
    c.finish(a2.id, 'error');
    const err = c.addError(a2.id, 'boom', ['retry']);
    assert.equal(c.questionFor(err.id)?.id, q2.id);
    assert.equal(c.questionFor(a2.id)?.id, q2.id);
    assert.equal(c.questionFor(a1.id)?.id, q1.id);
    assert.equal(c.questionFor('missing'), undefined);

    const events = record(c);
    assert.equal(c.removeAfter(q2.id), true);
    assert.deepEqual(events, [{ kind: 'reset' }]);
    assert.deepEqual(
      c.messages.map((m) => m.id),
      [q1.id, a1.id, q2.id],
    );
    assert.equal(c.get(a2.id), undefined);
    assert.equal(c.get(err.id), undefined);
    assert.equal(c.removeAfter(q2.id), false, 'nothing after the last message');

    assert.equal(c.truncateFrom(a1.id), true);
    assert.deepEqual(
      c.messages.map((m) => m.id),
      [q1.id],
    );
    assert.equal(c.truncateFrom('missing'), false);
  });

  it('clear empties and resets once', () => {
    const c = new Conversation();
    c.addUser('q');
    const events = record(c);
    c.clear();
    c.clear();
    assert.equal(c.messages.length, 0);
    assert.deepEqual(events, [{ kind: 'reset' }]);
  });

  it('dispose stops a listener', () => {
    const c = new Conversation();
    const events: ConversationChange[] = [];
    const sub = c.onDidChange((e) => events.push(e));
    c.addUser('a');
    sub.dispose();
    c.addUser('b');
    assert.equal(events.length, 1);
  });

  it('round-trips through JSON', () => {
    const c = new Conversation(() => 42);
    c.addUser('q', { notice: 'n' });
    const a = c.startAssistant('m');
    c.append(a.id, { text: 'answer', thinking: 'think' });
    c.finish(a.id, 'done', { usage: { inputTokens: 1, outputTokens: 2 } });
    c.addError(a.id, 'x', ['openLog']);
    const json = JSON.parse(JSON.stringify(c.toJSON()));
    assert.equal(json.version, 1);
    const { conversation, problems } = Conversation.fromJSON(json);
    assert.deepEqual(problems, []);
    assert.deepEqual(conversation.toJSON(), c.toJSON());
    assert.equal(conversation.get(a.id)?.text, 'answer');
  });

  it('marks a reply stored mid-stream as interrupted and offers Retry after it', () => {
    const c = new Conversation(() => 5);
    const q = c.addUser('q');
    const a = c.startAssistant('m');
    c.append(a.id, { text: 'partial' });
    const { conversation, problems } = Conversation.fromJSON(c.toJSON(), () => 9);
    assert.deepEqual(problems, []);
    const [u, r, e] = conversation.messages;
    assert.equal(u.id, q.id);
    assert.equal(r.state, 'interrupted');
    assert.equal(r.text, 'partial');
    assert.equal(e.role, 'error');
    assert.equal(e.text, interruptedText());
    assert.equal(e.replyTo, a.id);
    assert.deepEqual(e.actions, ['retry']);
    assert.equal(conversation.questionFor(e.id)?.id, q.id);
    assert.equal(conversation.streaming, undefined);
    // A new reply can still stream normally after loading.
    const b = conversation.startAssistant('m');
    conversation.append(b.id, { text: 'ok' });
    assert.equal(conversation.get(b.id)?.text, 'ok');
  });

  it('an interrupted reply that is not the last message gets no extra Retry', () => {
    const data = {
      version: 1,
      messages: [
        { id: 'u1', role: 'user', text: 'q', createdAt: 1 },
        { id: 'a1', role: 'assistant', text: 'p', state: 'streaming', createdAt: 2 },
        { id: 'u2', role: 'user', text: 'q2', createdAt: 3 },
      ],
    };
    const { conversation } = Conversation.fromJSON(data);
    assert.deepEqual(
      conversation.messages.map((m) => [m.id, m.state]),
      [
        ['u1', undefined],
        ['a1', 'interrupted'],
        ['u2', undefined],
      ],
    );
  });

  describe('fromJSON with bad data loads what it can and never throws', () => {
    const good = { id: 'u1', role: 'user', text: 'hi', createdAt: 1 };

    it('nothing stored: empty, no problems', () => {
      for (const v of [undefined, null]) {
        const r = Conversation.fromJSON(v);
        assert.equal(r.conversation.messages.length, 0);
        assert.deepEqual(r.problems, []);
      }
    });

    it('wrong top-level types: empty, with a problem', () => {
      for (const v of ['x', 42, true, { version: 1 }, { version: 1, messages: 'no' }, { version: 1, messages: null }]) {
        const r = Conversation.fromJSON(v);
        assert.equal(r.conversation.messages.length, 0, JSON.stringify(v));
        assert.equal(r.problems.length >= 1, true, JSON.stringify(v));
      }
    });

    it('unknown version and unversioned arrays load readable messages with a problem', () => {
      for (const v of [{ version: 2, messages: [good] }, { messages: [good] }, [good]]) {
        const r = Conversation.fromJSON(v);
        assert.deepEqual(
          r.conversation.messages.map((m) => m.text),
          ['hi'],
        );
        assert.equal(r.problems.length, 1, JSON.stringify(v));
      }
    });

    it('partial arrays: invalid, missing-field and duplicate messages are skipped and counted', () => {
      const r = Conversation.fromJSON({
        version: 1,
        messages: [
          null,
          7,
          'str',
          [],
          good,
          { id: 'bad id!', role: 'user', text: 'x' },
          { id: 'u2', role: 'robot', text: 'x' },
          { id: 'u3', role: 'user' },
          { id: 'u4', role: 'user', text: 5 },
          { id: 'a1', role: 'assistant', text: 'x', state: 'weird' },
          { id: 'a2', role: 'assistant', text: 'x', usage: { inputTokens: -1 } },
          { id: 'e1', role: 'error', text: 'x', actions: ['rm -rf'] },
          good,
          { id: 'a3', role: 'assistant', text: 'kept', extra: { huge: true } },
          { id: 'e2', role: 'error', text: 'err' },
        ],
      });
      assert.deepEqual(
        r.conversation.messages.map((m) => m.id),
        ['u1', 'a3', 'e2'],
      );
      assert.deepEqual(r.problems, ['Skipped 12 stored messages that could not be read.']);
      const a3 = r.conversation.get('a3')!;
      assert.equal(a3.state, 'done', 'an assistant message without state is treated as finished');
      assert.equal(a3.createdAt, 0, 'missing createdAt is filled');
      assert.equal('extra' in a3, false, 'unknown fields are not copied');
      assert.deepEqual(r.conversation.get('e2')!.actions, [], 'error without actions gets none');
      for (const m of r.conversation.messages) assert.ok(isMessageView(toMessageView(m)));
    });
  });
});
