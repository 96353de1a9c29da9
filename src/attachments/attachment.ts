// What the user attaches to a question (issue 11, item 4–5): the domain model stored with the
// question in history, the checks a text file must pass, and the view the chat shows. No `vscode`.
import type { ImageMediaType } from '../gmi/types';
import type { AttachmentView } from '../protocol/messages';
import { checkImageDataUrl, IMAGE_MEDIA_TYPES } from './images';

/** A text attachment larger than this is refused: it could not fit any model's context usefully. */
export const MAX_TEXT_ATTACHMENT_BYTES = 1024 * 1024;
const MAX_NAME_CHARS = 255;

export type TextAttachmentKind = 'file' | 'selection' | 'problems';

export interface TextAttachment {
  kind: TextAttachmentKind;
  id: string;
  /** What the chip shows: the file's name, "app.ts:3-9", "Problems in app.ts". */
  name: string;
  /** Workspace-relative path (or the file name outside the workspace); sent to the model. */
  path: string;
  /** VS Code language id; the fenced block's info string. */
  languageId: string;
  text: string;
  /** Selections: 1-based inclusive line range. */
  lines?: { start: number; end: number };
}

export interface ImageAttachment {
  kind: 'image';
  id: string;
  name: string;
  mediaType: ImageMediaType;
  /** base64 (no `data:` prefix), as ContentPart `image` takes it. */
  data: string;
}

export type Attachment = TextAttachment | ImageAttachment;

/** UTF-8 bytes of a text attachment, decoded bytes of an image. */
export function attachmentSize(a: Attachment): number {
  if (a.kind === 'image') return Math.floor((a.data.length * 3) / 4) - (a.data.endsWith('==') ? 2 : a.data.endsWith('=') ? 1 : 0);
  return new TextEncoder().encode(a.text).length;
}

/** The chip the chat shows: name, size, and for images a `data:` thumbnail (never a remote URL). */
export function toAttachmentView(a: Attachment): AttachmentView {
  const view: AttachmentView = { id: a.id, kind: a.kind, name: a.name, size: attachmentSize(a) };
  if (a.kind === 'image') view.thumbnail = `data:${a.mediaType};base64,${a.data}`;
  else view.detail = a.lines ? `${a.path}:${a.lines.start}-${a.lines.end}` : a.path;
  return view;
}

export type TextRefusal = { reason: 'binary' } | { reason: 'tooLarge'; bytes: number };

/**
 * Why file bytes cannot be attached as text, or undefined when they can: over
 * MAX_TEXT_ATTACHMENT_BYTES, or binary (a NUL byte in the first 8 KB, or not valid UTF-8).
 */
export function textRefusal(bytes: Uint8Array): TextRefusal | undefined {
  if (bytes.length > MAX_TEXT_ATTACHMENT_BYTES) return { reason: 'tooLarge', bytes: bytes.length };
  if (bytes.subarray(0, 8192).includes(0)) return { reason: 'binary' };
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { reason: 'binary' };
  }
  return undefined;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_NAME_CHARS;
const isLine = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/** One stored attachment, copied field by field, or undefined when it can't be read safely. */
export function readStoredAttachment(v: unknown): Attachment | undefined {
  if (!isObj(v) || typeof v.id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(v.id) || !isName(v.name)) return undefined;
  if (v.kind === 'image') {
    if (!IMAGE_MEDIA_TYPES.includes(v.mediaType as ImageMediaType) || typeof v.data !== 'string') return undefined;
    const check = checkImageDataUrl(`data:${v.mediaType};base64,${v.data}`);
    return check.ok ? { kind: 'image', id: v.id, name: v.name, mediaType: check.mediaType, data: check.data } : undefined;
  }
  if (v.kind !== 'file' && v.kind !== 'selection' && v.kind !== 'problems') return undefined;
  if (typeof v.path !== 'string' || typeof v.languageId !== 'string' || typeof v.text !== 'string') return undefined;
  const a: TextAttachment = { kind: v.kind, id: v.id, name: v.name, path: v.path, languageId: v.languageId, text: v.text };
  if (isObj(v.lines) && isLine(v.lines.start) && isLine(v.lines.end)) a.lines = { start: v.lines.start, end: v.lines.end };
  return a;
}
