// The protocol's attachment messages: what the webview may send (pick, remove, a pasted image as a
// data: URL) and the chips the host sends back. Anything else is refused on receipt.
import assert from 'node:assert/strict';
import { MAX_IMAGE_BYTES } from '../../src/attachments/images';
import { MAX_ATTACHMENTS, parseHostMessage, parseWebviewMessage, type AttachmentView } from '../../src/protocol/messages';
import { PNG_1PX } from './helpers/images';

const PNG_URL = `data:image/png;base64,${PNG_1PX}`;
const chip = (extra: Partial<AttachmentView> = {}): AttachmentView => ({ id: 'a1', kind: 'file', name: 'a.ts', size: 12, detail: 'src/a.ts', ...extra });

describe('protocol: attachment messages', () => {
  it('accepts pickContext, removeAttachment and addImage as they are', () => {
    for (const m of [
      { type: 'pickContext', via: 'button' },
      { type: 'pickContext', via: 'hash' },
      { type: 'removeAttachment', id: 'abc_1' },
      { type: 'addImage', name: 'screenshot.png', dataUrl: PNG_URL },
      { type: 'imageRefused', name: 'big.png', reason: 'tooLarge', bytes: 7_000_000 },
      { type: 'imageRefused', name: 'a.svg', reason: 'notImage', bytes: 0 },
    ]) assert.deepEqual(parseWebviewMessage(m), m, JSON.stringify(m));
  });

  it('refuses malformed ones: unknown via, hostile ids, extra fields, names, non-image or remote URLs, oversize data', () => {
    const over = `data:image/png;base64,${'A'.repeat(Math.ceil((MAX_IMAGE_BYTES + 3) / 3) * 4)}`;
    for (const m of [
      { type: 'pickContext' },
      { type: 'pickContext', via: 'palette' },
      { type: 'pickContext', via: 'button', path: '/etc/passwd' },
      { type: 'removeAttachment', id: '../x' },
      { type: 'removeAttachment', id: 'a'.repeat(65) },
      { type: 'addImage', name: '', dataUrl: PNG_URL },
      { type: 'addImage', name: '   ', dataUrl: PNG_URL },
      { type: 'addImage', name: 'n'.repeat(256), dataUrl: PNG_URL },
      { type: 'addImage', name: 'a.png', dataUrl: 'https://evil.example/a.png' },
      { type: 'addImage', name: 'a.svg', dataUrl: `data:image/svg+xml;base64,${PNG_1PX}` },
      { type: 'addImage', name: 'a.png', dataUrl: `data:image/png,${PNG_1PX}` },
      { type: 'addImage', name: 'a.png', dataUrl: `${PNG_URL}" onerror="x` },
      { type: 'addImage', name: 'a.png', dataUrl: over },
      { type: 'addImage', name: 'a.png', dataUrl: PNG_URL, mediaType: 'image/png' },
      { type: 'addImage', name: 'a.png' },
      { type: 'send', text: 'hi', attachments: [chip()] },
      { type: 'imageRefused', name: 'a.png', reason: 'evil', bytes: 1 },
      { type: 'imageRefused', name: 'a.png', reason: 'tooLarge', bytes: -1 },
      { type: 'imageRefused', name: 'a.png', reason: 'tooLarge', bytes: 1.5 },
      { type: 'imageRefused', name: 'a.png', reason: 'tooLarge', bytes: 1, dataUrl: PNG_URL },
    ]) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m).slice(0, 120));
  });

  it('host → webview: chips, the pick result and the notice; a chip with a remote or non-image thumbnail is refused', () => {
    const ok = [
      { type: 'attachments', attachments: [] },
      { type: 'attachments', attachments: [chip(), chip({ id: 'i1', kind: 'image', name: 'a.png', detail: undefined, thumbnail: PNG_URL })] },
      { type: 'contextPicked', added: true },
      { type: 'composerNotice', text: '' },
      { type: 'composerNotice', text: 'x.bin is a binary file, so it was not attached.' },
    ];
    for (const m of ok) assert.ok(parseHostMessage(m), JSON.stringify(m).slice(0, 120));
    for (const m of [
      { type: 'attachments', attachments: [chip({ kind: 'image', thumbnail: 'https://evil.example/t.png' })] },
      { type: 'attachments', attachments: [chip({ kind: 'image', thumbnail: undefined })] },
      { type: 'attachments', attachments: [chip({ thumbnail: PNG_URL })] },
      { type: 'attachments', attachments: [chip({ kind: 'exe' as AttachmentView['kind'] })] },
      { type: 'attachments', attachments: [chip({ size: -1 })] },
      { type: 'attachments', attachments: [chip({ id: 'a b' })] },
      { type: 'attachments', attachments: Array.from({ length: MAX_ATTACHMENTS + 1 }, (_, i) => chip({ id: `a${i}` })) },
      { type: 'attachments' },
      { type: 'contextPicked', added: 'yes' },
      { type: 'composerNotice', text: 'x'.repeat(601) },
    ]) assert.equal(parseHostMessage(m), undefined, JSON.stringify(m).slice(0, 120));
  });

  it('a message view may carry chips; a bad chip makes the message invalid', () => {
    const message = { id: 'm1', role: 'user', text: 'Q', attachments: [chip()] };
    assert.ok(parseHostMessage({ type: 'messageAdded', message }));
    assert.equal(parseHostMessage({ type: 'messageAdded', message: { ...message, attachments: [chip({ name: '' })] } }), undefined);
    assert.equal(parseHostMessage({ type: 'messageAdded', message: { ...message, attachments: 'a.ts' } }), undefined);
  });
});
