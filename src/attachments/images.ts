// Image checks shared by the webview (before reading a pasted or dropped file) and the host (on
// receipt, where they count): the type is read from the bytes' magic numbers, never from a name or
// a declared type alone, and an image over MAX_IMAGE_BYTES is refused. No `vscode`, no Node APIs.
import * as l10n from '../l10n';
import type { ImageMediaType } from '../gmi/types';

/** The largest image sent (Anthropic's per-image limit; GMI's OpenAI-style endpoint takes the same). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
export const IMAGE_MEDIA_TYPES: readonly ImageMediaType[] = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'];
/** Longest `data:` URL an image within the limit makes (base64 is 4 characters per 3 bytes). */
export const MAX_IMAGE_DATA_URL_CHARS = 'data:image/jpeg;base64,'.length + Math.ceil(MAX_IMAGE_BYTES / 3) * 4;

const DATA_URL = /^data:(image\/(?:png|jpeg|gif|webp));base64,([A-Za-z0-9+/]*={0,2})$/;

/** The image type the first bytes say, or undefined for anything else. */
export function sniffImageType(bytes: Uint8Array): ImageMediaType | undefined {
  const at = (offset: number, ...values: number[]) => values.every((v, i) => bytes[offset + i] === v);
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (at(0, 0x47, 0x49, 0x46, 0x38) && (bytes[4] === 0x37 || bytes[4] === 0x39) && bytes[5] === 0x61) return 'image/gif';
  if (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50)) return 'image/webp';
  return undefined;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** The first bytes of base64 data (enough to sniff the type without decoding megabytes). */
export function base64Head(data: string, bytes = 12): Uint8Array {
  const chars = data.slice(0, Math.ceil(bytes / 3) * 4).replace(/=+$/, '');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of chars) {
    const v = B64.indexOf(c);
    if (v < 0) break;
    value = (value << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** Decoded size of base64 data without decoding it. */
export function base64Bytes(data: string): number {
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor((data.length * 3) / 4) - padding;
}

export type ImageRefusal = { ok: false; reason: 'notDataUrl' | 'tooLarge' | 'notImage' | 'typeMismatch'; bytes?: number };
export type ImageCheck = { ok: true; mediaType: ImageMediaType; data: string; bytes: number } | ImageRefusal;

/**
 * Checks a `data:image/…;base64,…` URL: its shape, its size (at most MAX_IMAGE_BYTES decoded), and
 * that the bytes are the PNG/JPEG/GIF/WebP it says. `data` is the base64 part, as ContentPart takes it.
 */
export function checkImageDataUrl(url: string): ImageCheck {
  if (url.length > MAX_IMAGE_DATA_URL_CHARS) return { ok: false, reason: 'tooLarge', bytes: base64Bytes(url) };
  const m = DATA_URL.exec(url);
  if (!m || m[2].length % 4 !== 0 || m[2].length === 0) return { ok: false, reason: 'notDataUrl' };
  const data = m[2];
  const bytes = base64Bytes(data);
  if (bytes > MAX_IMAGE_BYTES) return { ok: false, reason: 'tooLarge', bytes };
  const sniffed = sniffImageType(base64Head(data));
  if (!sniffed) return { ok: false, reason: 'notImage', bytes };
  if (sniffed !== m[1]) return { ok: false, reason: 'typeMismatch', bytes };
  return { ok: true, mediaType: sniffed, data, bytes };
}

/** Checks raw bytes (a file picked on disk): size first, then the magic numbers. */
export function checkImageBytes(bytes: Uint8Array): { ok: true; mediaType: ImageMediaType; bytes: number } | ImageRefusal {
  if (bytes.length > MAX_IMAGE_BYTES) return { ok: false, reason: 'tooLarge', bytes: bytes.length };
  const mediaType = sniffImageType(bytes);
  if (!mediaType) return { ok: false, reason: 'notImage', bytes: bytes.length };
  return { ok: true, mediaType, bytes: bytes.length };
}

/** "2.4 MB", "812 KB", "96 bytes" */
export function formatBytes(n: number): string {
  if (n < 1024) return l10n.t('{0} bytes', n);
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}
