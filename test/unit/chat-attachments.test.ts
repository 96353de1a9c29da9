// Attachments in the chat: the cutting rule (fitAttachments, context.ts), how they are sent
// (toChatTurns, attachmentBlock), kept with the question (Conversation JSON) and sent by ChatService.
import assert from 'node:assert/strict';
import type { Attachment, TextAttachment } from '../../src/attachments/attachment';
import { textRefusal, toAttachmentView } from '../../src/attachments/attachment';
import { PendingAttachments } from '../../src/attachments/pendingAttachments';
import { ChatService, type StreamingClient } from '../../src/chat/chatService';
import { estimateTokens, fitAttachments, fitHistory, IMAGE_TOKENS, MIN_ATTACHMENT_TOKENS, turnCost } from '../../src/chat/context';
import { Conversation } from '../../src/chat/conversation';
import { attachmentBlock, toChatTurns } from '../../src/chat/prompts';
import type { ChatRequest, ChatTurn, StreamEvent } from '../../src/gmi/types';
import { toMessageView } from '../../src/views/messageView';
import { PNG_1PX } from './helpers/images';

const lines = (n: number, prefix = 'line') => Array.from({ length: n }, (_, i) => `${prefix} ${i + 1} ${'x'.repeat(40)}`).join('\n');
const file = (name: string, text: string, extra: Partial<TextAttachment> = {}): TextAttachment => ({
  kind: 'file', id: `id_${name.replace(/\W/g, '_')}`, name, path: `src/${name}`, languageId: 'typescript', text, ...extra,
});
const image = (id = 'img1'): Attachment => ({ kind: 'image', id, name: 'shot.png', mediaType: 'image/png', data: PNG_1PX });

describe('chat: attachments', () => {
  describe('fitAttachments (the cutting rule)', () => {
    it('keeps everything whole when it fits', () => {
      const fits = fitAttachments([{ name: 'a.ts', text: lines(10) }, { name: 'b.ts', text: lines(20) }], 10_000);
      assert.deepEqual(fits.map((f) => [f.cut, f.leftOut, f.text.length]), [[false, false, lines(10).length], [false, false, lines(20).length]]);
    });

    it('small attachments stay whole; the large ones share the rest equally, cut to whole first lines, with a notice', () => {
      const small = lines(5);
      const big1 = lines(2000, 'big1');
      const big2 = lines(3000, 'big2');
      const budget = 6_000;
      const fits = fitAttachments([{ name: 'big1.ts', text: big1 }, { name: 'small.ts', text: small }, { name: 'big2.ts', text: big2 }], budget);
      assert.equal(fits[1].cut, false);
      assert.equal(fits[1].text, small);
      for (const [i, text] of [[0, big1], [2, big2]] as const) {
        assert.equal(fits[i].cut, true);
        assert.ok(text.startsWith(fits[i].text), 'keeps the start');
        assert.ok(!fits[i].text.endsWith('x'.repeat(41)), 'whole lines');
        assert.match(fits[i].notice!, new RegExp(`^big${i === 0 ? 1 : 2}\\.ts was cut to the first [\\d,]+ of [\\d,]+ lines to fit the model's context\\.$`));
      }
      // The two large ones got about the same room, and together they stay within the budget.
      const t0 = estimateTokens(fits[0].text);
      const t2 = estimateTokens(fits[2].text);
      assert.ok(Math.abs(t0 - t2) < 100, `${t0} vs ${t2}`);
      const total = fits.reduce((sum, f) => sum + estimateTokens(f.text) + 40, 0);
      assert.ok(total <= budget, `${total} <= ${budget}`);
    });

    it('an attachment whose share is under the minimum is left out, with a notice', () => {
      const fits = fitAttachments([{ name: 'a.ts', text: lines(100) }, { name: 'b.ts', text: lines(100) }], MIN_ATTACHMENT_TOKENS);
      assert.ok(fits.every((f) => f.leftOut && f.text === ''));
      assert.equal(fits[0].notice, "a.ts was left out: it does not fit the model's context.");
      assert.ok(fitAttachments([{ name: 'a.ts', text: lines(100) }], -50)[0].leftOut, 'no room at all');
    });

    it('results stay in the given order', () => {
      const fits = fitAttachments([{ name: 'z', text: 'zzz' }, { name: 'a', text: 'a' }], 1000);
      assert.deepEqual(fits.map((f) => f.text), ['zzz', 'a']);
    });
  });

  describe('sending: toChatTurns and attachmentBlock', () => {
    it('a text attachment is a labelled fenced block with its path and language; a selection says its lines', () => {
      const block = attachmentBlock(file('a.ts', 'const a = 1;'));
      assert.equal(block, 'Attached file `src/a.ts` (typescript):\n\n```typescript\nconst a = 1;\n```');
      const sel = attachmentBlock(file('a.ts:3-4', 'x\ny', { kind: 'selection', path: 'src/a.ts', lines: { start: 3, end: 4 } }));
      assert.match(sel, /^Attached selection `src\/a\.ts` \(typescript, lines 3-4\):\n\n```typescript\nx\ny\n```$/);
      const fenced = attachmentBlock(file('md.md', 'a\n```\nb', { languageId: 'markdown' }));
      assert.match(fenced, /\n````markdown\na\n```\nb\n````$/, 'a longer fence than the code uses');
    });

    it('a cut attachment says so to the model; one left out is only named', () => {
      const a = file('a.ts', lines(50));
      const cut = attachmentBlock(a, { text: 'line 1', cut: true, leftOut: false, notice: 'a.ts was cut to the first 1 of 50 lines.' });
      assert.match(cut, /```typescript\nline 1\n```\n\n\[a\.ts was cut to the first 1 of 50 lines\.\]$/);
      const out = attachmentBlock(a, { text: '', cut: false, leftOut: true, notice: 'a.ts was left out.' });
      assert.equal(out, '[Attached file `src/a.ts` (typescript): a.ts was left out.]');
    });

    it('the question comes first, then its text attachments; images are image parts after the text', () => {
      const c = new Conversation();
      c.addUser('What is wrong?', { attachments: [file('a.ts', 'let a;'), image()] });
      const [turn] = toChatTurns(c.messages);
      assert.ok(Array.isArray(turn.content));
      const [text, img] = turn.content as Exclude<ChatTurn['content'], string>;
      assert.equal(text.type, 'text');
      assert.match((text as { text: string }).text, /^What is wrong\?\n\nAttached file `src\/a\.ts` \(typescript\):\n\n```typescript\nlet a;\n```$/);
      assert.deepEqual(img, { type: 'image', mediaType: 'image/png', data: PNG_1PX });
    });

    it('for a model without image input, an image becomes a note and the turn stays text', () => {
      const c = new Conversation();
      c.addUser('Look', { attachments: [image()] });
      const [turn] = toChatTurns(c.messages, { imageInput: false });
      assert.equal(turn.content, 'Look\n\n[Image `shot.png` was not sent: this model does not read images.]');
    });

    it('consecutive questions (a failed reply between) merge, parts included', () => {
      const c = new Conversation();
      c.addUser('first', { attachments: [image('i1')] });
      c.addUser('second');
      const turns = toChatTurns(c.messages);
      assert.equal(turns.length, 1);
      const parts = turns[0].content as Exclude<ChatTurn['content'], string>;
      assert.deepEqual(parts.map((p) => p.type), ['text', 'image', 'text', 'text']);
    });

    it('turnCost counts each image as IMAGE_TOKENS; fitHistory never cuts an image, only the text', () => {
      const turn: ChatTurn = { role: 'user', content: [{ type: 'text', text: lines(400) }, { type: 'image', mediaType: 'image/png', data: PNG_1PX }] };
      assert.equal(turnCost(turn), estimateTokens(lines(400)) + IMAGE_TOKENS + 4);
      const fitted = fitHistory([turn], IMAGE_TOKENS + 500);
      const parts = fitted.turns[0].content as Exclude<ChatTurn['content'], string>;
      assert.equal(parts[1].type, 'image');
      assert.match(fitted.notice!, /^Message was cut/);
      assert.ok(turnCost(fitted.turns[0]) <= IMAGE_TOKENS + 500);
    });
  });

  describe('kept with the question', () => {
    it('a conversation stores its attachments in full and reads them back; the view gets chips only', () => {
      const c = new Conversation();
      const sel = file('a.ts:2-3', 'b\nc', { kind: 'selection', path: 'src/a.ts', lines: { start: 2, end: 3 } });
      const m = c.addUser('Why?', { attachments: [sel, image()] });
      const json = JSON.parse(JSON.stringify(c.toJSON()));
      const { conversation, problems } = Conversation.fromJSON(json);
      assert.deepEqual(problems, []);
      assert.deepEqual(conversation.get(m.id)?.attachments, [sel, image()]);
      const view = toMessageView(conversation.get(m.id)!);
      assert.deepEqual(view.attachments, [
        { id: sel.id, kind: 'selection', name: 'a.ts:2-3', size: 3, detail: 'src/a.ts:2-3' },
        { id: 'img1', kind: 'image', name: 'shot.png', size: Buffer.from(PNG_1PX, 'base64').length, thumbnail: `data:image/png;base64,${PNG_1PX}` },
      ]);
      assert.equal(JSON.stringify(view).includes('"text":"b\\nc"'), false, 'the chip carries no contents');
    });

    it('stored attachments that cannot be read safely are dropped, the question is kept', () => {
      const c = new Conversation();
      const m = c.addUser('Q', { attachments: [file('a.ts', 'x')] });
      const json = JSON.parse(JSON.stringify(c.toJSON()));
      json.messages[0].attachments.push(
        { kind: 'image', id: 'bad1', name: 'x.png', mediaType: 'image/png', data: Buffer.from('not a png').toString('base64') },
        { kind: 'file', id: '../etc', name: 'x', path: 'x', languageId: 't', text: '' },
        { kind: 'exe', id: 'ok', name: 'x' },
      );
      const { conversation } = Conversation.fromJSON(json);
      assert.deepEqual(conversation.get(m.id)?.attachments?.map((a) => a.id), ['id_a_ts']);
    });
  });

  describe('ChatService', () => {
    class Recorder implements StreamingClient {
      readonly requests: ChatRequest[] = [];
      stream(request: ChatRequest): AsyncIterable<StreamEvent> {
        this.requests.push(structuredClone(request));
        return (async function* () {
          yield { type: 'text', text: 'ok' } as StreamEvent;
          yield { type: 'end', reason: 'stop' } as StreamEvent;
        })();
      }
    }

    it('sends the attachments cut to the context and tells the user above the reply', async () => {
      const conversation = new Conversation();
      const client = new Recorder();
      const chat = new ChatService({
        conversation,
        prepare: async () => ({ client, model: 'm', api: 'chatCompletions', contextLength: 20_000, maxOutputTokens: 4_000, imageInput: true }),
      });
      const big = file('big.ts', lines(5000));
      await chat.send('Review this', { attachments: [big, file('small.ts', 'const s = 1;'), image()] });
      const sent = client.requests[0].messages.at(-1)!.content as Exclude<ChatTurn['content'], string>;
      const text = (sent[0] as { text: string }).text;
      assert.match(text, /^Review this\n\nAttached file `src\/big\.ts` \(typescript\):\n\n```typescript\nline 1 /);
      assert.match(text, /\[big\.ts was cut to the first [\d,]+ of 5,000 lines to fit the model's context\.\]/);
      assert.match(text, /Attached file `src\/small\.ts` \(typescript\):\n\n```typescript\nconst s = 1;\n```/);
      assert.equal(sent[1].type, 'image');
      const reply = conversation.messages.find((m) => m.role === 'assistant')!;
      assert.match(reply.notice!, /big\.ts was cut to the first [\d,]+ of 5,000 lines/);
      // The question keeps the whole attachment: a model with a larger context gets more of it later.
      assert.equal((conversation.messages[0].attachments![0] as TextAttachment).text, big.text);
    });
  });

  describe('PendingAttachments and textRefusal', () => {
    it('adds, refuses duplicates and more than 20, removes, and take() empties it', () => {
      const p = new PendingAttachments();
      let changes = 0;
      p.onDidChange(() => changes++);
      assert.equal(p.add(file('a.ts', 'a')), 'added');
      assert.equal(p.add({ ...file('a.ts', 'a'), id: 'other' }), 'duplicate');
      assert.equal(p.add(image()), 'added');
      assert.ok(p.hasImages);
      for (let i = 0; i < 18; i++) p.add(file(`f${i}.ts`, String(i)));
      assert.equal(p.add(file('one-more.ts', '!')), 'full');
      assert.equal(p.remove('img1'), true);
      assert.equal(p.remove('img1'), false);
      assert.equal(p.take().length, 19);
      assert.equal(p.list.length, 0);
      assert.equal(changes, 1 + 1 + 18 + 1 + 1);
      assert.deepEqual(toAttachmentView(file('a.ts', 'é')), { id: 'id_a_ts', kind: 'file', name: 'a.ts', size: 2, detail: 'src/a.ts' });
    });

    it('refuses binary (NUL, invalid UTF-8) and huge text; accepts UTF-8 text', () => {
      assert.equal(textRefusal(Uint8Array.from(Buffer.from('héllo wörld\n'))), undefined);
      assert.deepEqual(textRefusal(Uint8Array.from([0x7f, 0x45, 0x4c, 0x46, 0, 1])), { reason: 'binary' });
      assert.deepEqual(textRefusal(Uint8Array.from([0x61, 0xff, 0xfe, 0x62])), { reason: 'binary' });
      assert.deepEqual(textRefusal(new Uint8Array(1024 * 1024 + 1).fill(0x61)), { reason: 'tooLarge', bytes: 1024 * 1024 + 1 });
    });
  });
});
