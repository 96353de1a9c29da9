import assert from 'node:assert/strict';
import {
  base64Bytes,
  base64Head,
  checkImageBytes,
  checkImageDataUrl,
  formatBytes,
  MAX_IMAGE_BYTES,
  MAX_IMAGE_DATA_URL_CHARS,
  sniffImageType,
} from '../../src/attachments/images';
import { PNG_1PX } from './helpers/images';


const bytes = (...b: number[]) => Uint8Array.from(b);
const pad = (head: Uint8Array, n = 64) => Uint8Array.from([...head, ...new Array(n).fill(1)]);
const HEADS = {
  'image/png': bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a),
  'image/jpeg': bytes(0xff, 0xd8, 0xff, 0xe0),
  'image/gif': Uint8Array.from(Buffer.from('GIF89a')),
  'image/webp': Uint8Array.from([...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBPVP8 ')]),
} as const;
const dataUrl = (type: string, b: Uint8Array) => `data:${type};base64,${Buffer.from(b).toString('base64')}`;

describe('attachments/images', () => {
  it('reads the type from the magic numbers of PNG, JPEG, GIF (87a and 89a) and WebP', () => {
    for (const [type, head] of Object.entries(HEADS)) assert.equal(sniffImageType(pad(head)), type);
    assert.equal(sniffImageType(pad(Uint8Array.from(Buffer.from('GIF87a')))), 'image/gif');
    assert.equal(sniffImageType(Uint8Array.from(Buffer.from(PNG_1PX, 'base64'))), 'image/png');
  });

  it('refuses what only looks like an image: SVG, BMP, a RIFF that is not WebP, text, truncated headers', () => {
    for (const b of [
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      Buffer.from('BM6\0\0\0'),
      Buffer.from('RIFF\0\0\0\0WAVEfmt '),
      Buffer.from('GIF89b'),
      Buffer.from('\x89PNG'),
      Buffer.from(''),
    ]) assert.equal(sniffImageType(Uint8Array.from(b)), undefined, JSON.stringify(b.toString('latin1')));
  });

  it('base64Head decodes the first bytes without the rest; base64Bytes counts the padding', () => {
    const b = Buffer.from(PNG_1PX, 'base64');
    assert.deepEqual([...base64Head(PNG_1PX, 12)], [...b.subarray(0, 12)]);
    assert.equal(base64Bytes(PNG_1PX), b.length);
    assert.equal(base64Bytes('YQ=='), 1);
    assert.equal(base64Bytes('YWI='), 2);
    assert.equal(base64Bytes('YWJj'), 3);
  });

  it('accepts a data: URL whose bytes are the type it says, and gives the base64 part', () => {
    const check = checkImageDataUrl(`data:image/png;base64,${PNG_1PX}`);
    assert.deepEqual(check, { ok: true, mediaType: 'image/png', data: PNG_1PX, bytes: Buffer.from(PNG_1PX, 'base64').length });
    for (const [type, head] of Object.entries(HEADS)) assert.equal(checkImageDataUrl(dataUrl(type, pad(head))).ok, true, type);
  });

  it('refuses a type that the bytes contradict, and bytes that are no image, whatever the URL says', () => {
    assert.deepEqual(checkImageDataUrl(dataUrl('image/png', pad(HEADS['image/jpeg']))), { ok: false, reason: 'typeMismatch', bytes: 68 });
    assert.equal((checkImageDataUrl(dataUrl('image/png', Buffer.from('#!/bin/sh\nrm -rf /\n'))) as { reason: string }).reason, 'notImage');
  });

  it('refuses what is not a base64 image data: URL', () => {
    for (const url of [
      'https://example.com/a.png',
      `data:image/svg+xml;base64,${PNG_1PX}`,
      `data:image/png,${PNG_1PX}`,
      `data:text/html;base64,${PNG_1PX}`,
      `data:image/png;base64,${PNG_1PX}"><script>`,
      'data:image/png;base64,',
      'data:image/png;base64,abc', // not a multiple of 4
      ` data:image/png;base64,${PNG_1PX}`,
    ]) assert.equal((checkImageDataUrl(url) as { reason: string }).reason, 'notDataUrl', url);
  });

  it('the 5 MB limit: exactly 5 MB passes, one byte more is refused as too large (URL and bytes)', () => {
    const at = new Uint8Array(MAX_IMAGE_BYTES);
    at.set(HEADS['image/png']);
    assert.equal(checkImageDataUrl(dataUrl('image/png', at)).ok, true);
    assert.ok(dataUrl('image/jpeg', at).length <= MAX_IMAGE_DATA_URL_CHARS);
    const over = new Uint8Array(MAX_IMAGE_BYTES + 1);
    over.set(HEADS['image/png']);
    assert.deepEqual(checkImageDataUrl(dataUrl('image/png', over)), { ok: false, reason: 'tooLarge', bytes: MAX_IMAGE_BYTES + 1 });
    assert.deepEqual(checkImageBytes(over), { ok: false, reason: 'tooLarge', bytes: MAX_IMAGE_BYTES + 1 });
    assert.deepEqual(checkImageBytes(at), { ok: true, mediaType: 'image/png', bytes: MAX_IMAGE_BYTES });
    assert.deepEqual(checkImageBytes(Uint8Array.from(Buffer.from('plain text'))), { ok: false, reason: 'notImage', bytes: 10 });
  });

  it('formatBytes', () => {
    assert.equal(formatBytes(96), '96 bytes');
    assert.equal(formatBytes(2048), '2 KB');
    assert.equal(formatBytes(MAX_IMAGE_BYTES + 200_000), '5.2 MB');
  });
});
