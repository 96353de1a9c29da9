import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MAX_FILE_REF_CHARS,
  MAX_FILE_REFS,
  MAX_LINK_CHARS,
  MAX_PROMPT_CHARS,
  parseHostMessage,
  parseWebviewMessage,
  type HostToWebview,
} from '../../src/protocol/messages';

describe('protocol: messages from the webview', () => {
  it('accepts each well-formed message as itself', () => {
    const good = [
      { type: 'ready' },
      { type: 'send', text: 'hello' },
      { type: 'stop' },
      { type: 'newChat' },
      { type: 'retry', id: 'abc_DEF-1' },
      { type: 'action', action: 'setApiKey' },
      { type: 'copyCode', id: 'm1', block: 0 },
      { type: 'insertCode', id: 'm1', block: 3 },
      { type: 'applyCode', id: 'm1', block: 10_000 },
      { type: 'openLink', href: 'https://example.com/a?b=c' },
      { type: 'resolveFiles', id: 'm1', refs: ['src/a.ts', 'b.ts:12'] },
      { type: 'openFile', id: 'm1', ref: 'src/a.ts:3' },
      { type: 'promptDraft', text: '' },
      { type: 'edit', id: 'm1', text: 'the question, edited' },
      { type: 'regenerate', id: 'm2' },
      { type: 'copyReply', id: 'm2' },
    ];
    for (const m of good) assert.deepEqual(parseWebviewMessage(m), m, JSON.stringify(m));
  });

  it('rejects unknown types, wrong field types, extra fields and hostile ids', () => {
    const bad: unknown[] = [
      undefined,
      null,
      'send',
      42,
      [],
      { type: 'runCommand', command: 'workbench.action.terminal.new' },
      { type: 'writeFile', path: '/etc/passwd', text: 'x' },
      { type: 'send' },
      { type: 'send', text: 5 },
      { type: 'send', text: '   ' },
      { type: 'send', text: 'hi', command: 'evil' },
      { type: 'ready', extra: true },
      { type: 'edit', id: 'm1' },
      { type: 'edit', id: 'm1', text: ' \n ' },
      { type: 'edit', id: '../m1', text: 'x' },
      { type: 'edit', id: 'm1', text: 'x'.repeat(MAX_PROMPT_CHARS + 1) },
      { type: 'edit', id: 'm1', text: 'x', replaceFrom: 0 },
      { type: 'regenerate' },
      { type: 'regenerate', id: 'm1', model: 'other' },
      { type: 'copyReply', id: 7 },
      { type: 'copyReply', id: 'm1', text: 'what to copy' },
      { type: 'retry', id: '../../etc' },
      { type: 'retry', id: 'a'.repeat(65) },
      { type: 'retry', id: { toString: () => 'x' } },
      { type: 'action', action: 'runTerminal' },
      { type: 'action', action: 'constructor' },
      { type: 'copyCode', id: 'm1', block: -1 },
      { type: 'copyCode', id: 'm1', block: 1.5 },
      { type: 'copyCode', id: 'm1', block: '0' },
      { type: 'copyCode', id: 'm1', block: 10_001 },
      { type: 'insertCode', id: 'm1', block: 0, code: 'rm -rf /' },
      { type: 'applyCode', id: 'm1', block: Number.NaN },
      { type: 'openLink', href: 7 },
      { type: 'openLink', href: 'https://x/' + 'a'.repeat(MAX_LINK_CHARS) },
      { type: 'resolveFiles', id: 'm1', refs: [] },
      { type: 'resolveFiles', id: 'm1', refs: 'src/a.ts' },
      { type: 'resolveFiles', id: 'm1', refs: [''] },
      { type: 'resolveFiles', id: 'm1', refs: [3] },
      { type: 'resolveFiles', id: 'm1', refs: Array(MAX_FILE_REFS + 1).fill('a/b.ts') },
      { type: 'resolveFiles', id: 'm1', refs: ['x/' + 'a'.repeat(MAX_FILE_REF_CHARS)] },
      { type: 'resolveFiles', id: '../m1', refs: ['a/b.ts'] },
      { type: 'openFile', id: 'm1' },
      { type: 'openFile', id: 'm1', ref: 'a/b.ts', path: '/etc/passwd' },
      { type: 'openFile', ref: 'a/b.ts' },
      { type: '__proto__' },
      JSON.parse('{"type":"stop","__proto__":{"polluted":true}}'),
    ];
    for (const m of bad) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m) ?? String(m));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('refuses a prompt over the size limit but takes one at the limit', () => {
    assert.equal(parseWebviewMessage({ type: 'send', text: 'a'.repeat(MAX_PROMPT_CHARS + 1) }), undefined);
    assert.ok(parseWebviewMessage({ type: 'send', text: 'a'.repeat(MAX_PROMPT_CHARS) }));
  });

  it('never throws and never accepts an object with a type it does not know (property test)', () => {
    const known = new Set(['ready', 'send', 'stop', 'newChat', 'retry', 'action', 'copyCode', 'insertCode', 'applyCode', 'openLink', 'promptDraft', 'resolveFiles', 'openFile']);
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), fc.string(), (payload, type) => {
        const withType = typeof payload === 'object' && payload !== null ? { ...payload, type } : { type, payload };
        for (const candidate of [payload, withType]) {
          const parsed = parseWebviewMessage(candidate);
          if (parsed) assert.ok(known.has(parsed.type));
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('protocol: messages from the host', () => {
  const message = { id: 'a1', role: 'assistant', text: 'hi', state: 'streaming', model: 'm' } as const;
  it('accepts the host messages the view handles', () => {
    const good: HostToWebview[] = [
      { type: 'state', state: { messages: [message], stateId: 0, hasApiKey: true, model: 'm', busy: false } },
      { type: 'state', state: { messages: [message], stateId: 7, olderCount: 1200, hasApiKey: true, model: 'm', busy: false } },
      { type: 'olderMessages', stateId: 7, messages: [{ id: 'u0', role: 'user', text: 'q' }, { ...message, state: 'done' }] },
      { type: 'messageAdded', message },
      { type: 'messageUpdated', message: { ...message, state: 'done', usage: { inputTokens: 1, outputTokens: 2 } } },
      { type: 'append', id: 'a1', text: 'more' },
      { type: 'busy', busy: true },
      { type: 'settings', hasApiKey: false, model: 'openai/gpt-5' },
      { type: 'setPrompt', text: 'draft' },
      { type: 'setPrompt', text: 'draft', storedDraft: true },
      { type: 'focusPrompt' },
      { type: 'fileLinks', id: 'a1', refs: ['src/a.ts:3'] },
    ];
    for (const m of good) assert.deepEqual(parseHostMessage(m), m);
  });

  it('rejects malformed host messages', () => {
    const bad: unknown[] = [
      { type: 'state', state: { messages: [{ ...message, role: 'system' }], stateId: 1, hasApiKey: true, model: 'm', busy: false } },
      { type: 'state', state: { messages: 'x', stateId: 1, hasApiKey: true, model: 'm', busy: false } },
      { type: 'state', state: { messages: [message], hasApiKey: true, model: 'm', busy: false } },
      ...[-1, 1.5, Number.NaN, Infinity, 2 ** 53, '1', null].map((stateId) => ({ type: 'state', state: { messages: [], stateId, hasApiKey: true, model: 'm', busy: false } })),
      ...[-3, 0.5, Number.NaN, '3', null].map((olderCount) => ({ type: 'state', state: { messages: [], stateId: 1, olderCount, hasApiKey: true, model: 'm', busy: false } })),
      { type: 'olderMessages', stateId: 1, messages: [] },
      { type: 'olderMessages', stateId: 1, messages: message },
      { type: 'olderMessages', stateId: 1, messages: [message, { ...message, id: 'a b' }] },
      { type: 'olderMessages', stateId: 1, messages: [{ ...message, role: 'system' }] },
      { type: 'olderMessages', stateId: 1, messages: [{ ...message, text: undefined }] },
      { type: 'olderMessages', messages: [message] },
      { type: 'olderMessages', stateId: -1, messages: [message] },
      { type: 'olderMessages', stateId: '1', messages: [message] },
      { type: 'olderMessages', stateId: 1.5, messages: [message] },
      { type: 'olderMessages', stateId: 1, messages: [message], olderCount: 3 },
      { type: 'olderMessages', stateId: 1, messages: [message], html: '<img src=x onerror=alert(1)>' },
      JSON.parse('{"type":"olderMessages","stateId":1,"messages":[{"id":"a1","role":"user","text":"x"}],"__proto__":{"polluted":true}}'),
      { type: 'messageAdded', message: { ...message, id: '<img src=x>' } },
      { type: 'messageUpdated', message: { ...message, usage: { inputTokens: -1 } } },
      { type: 'messageUpdated', message: { ...message, actions: ['rm'] } },
      { type: 'append', id: 'a1', text: 3 },
      { type: 'busy', busy: 'yes' },
      { type: 'settings', hasApiKey: 'no', model: 'm' },
      { type: 'setPrompt', text: 'draft', storedDraft: 'yes' },
      { type: 'eval', code: 'alert(1)' },
      { type: 'fileLinks', id: 'a1', refs: 'src/a.ts' },
      { type: 'fileLinks', id: 'a1', refs: [7] },
    ];
    for (const m of bad) assert.equal(parseHostMessage(m), undefined, JSON.stringify(m));
  });
});
