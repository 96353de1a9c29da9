// VS Code's chat messages → the GMI client's ChatRequest parts (system, turns, tools, tool choice).
// No `vscode` import: parts are recognised by the running VS Code's classes (passed in), with a
// structural fallback, so this is tested in plain Node with fake classes.
import * as l10n from '../l10n';
import type { ChatTurn, ContentPart, ImageMediaType, ToolChoice, ToolDefinition } from '../gmi/types';
import { thinkingToSend } from './thinkingParts';
import { LmRole, LmToolMode, type LmChatRequestMessage, type LmPartClasses, type LmResponseOptions } from './vscodeLm';

export type ClassifiedPart =
  | { kind: 'text'; value: string }
  | { kind: 'data'; data: Uint8Array; mimeType: string }
  | { kind: 'toolCall'; callId: string; name: string; input: object }
  | { kind: 'toolResult'; callId: string; content: readonly unknown[]; isError?: boolean }
  | { kind: 'thinking'; value: string; metadata?: { readonly [key: string]: unknown } }
  | { kind: 'promptTsx'; value: unknown }
  | { kind: 'unknown'; what: string };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const is = (v: unknown, c: (new (...a: never[]) => unknown) | undefined): boolean => c !== undefined && v instanceof c;

/** Which kind of part this is: by the running VS Code's classes first, then by shape. */
export function classifyPart(part: unknown, classes: Partial<LmPartClasses>): ClassifiedPart {
  if (!isObj(part)) return typeof part === 'string' ? { kind: 'text', value: part } : { kind: 'unknown', what: typeof part };
  // Thinking first: like a text part it has a string `value`.
  if (is(part, classes.ThinkingPart)) return thinkingPart(part as Obj);
  if (is(part, classes.PromptTsxPart)) return { kind: 'promptTsx', value: part.value };
  const p = part as Obj;
  if (is(part, classes.TextPart) || (typeof p.value === 'string' && !('id' in p) && !('metadata' in p))) {
    return { kind: 'text', value: String(p.value) };
  }
  if (is(part, classes.DataPart) || (p.data instanceof Uint8Array && typeof p.mimeType === 'string')) {
    return { kind: 'data', data: p.data as Uint8Array, mimeType: String(p.mimeType) };
  }
  if (typeof p.callId === 'string' && typeof p.name === 'string' && isObj(p.input)) {
    return { kind: 'toolCall', callId: p.callId, name: p.name, input: p.input };
  }
  if (typeof p.callId === 'string' && Array.isArray(p.content)) {
    return { kind: 'toolResult', callId: p.callId, content: p.content, isError: typeof p.isError === 'boolean' ? p.isError : undefined };
  }
  if (typeof p.value === 'string' || Array.isArray(p.value)) return thinkingPart(p);
  return { kind: 'unknown', what: (part as object).constructor?.name ?? 'object' };
}

function thinkingPart(p: Obj): ClassifiedPart {
  const value = Array.isArray(p.value) ? p.value.filter((v) => typeof v === 'string').join('') : typeof p.value === 'string' ? p.value : '';
  return isObj(p.metadata) ? { kind: 'thinking', value, metadata: p.metadata } : { kind: 'thinking', value };
}

const IMAGE_TYPES: Record<string, ImageMediaType> = {
  'image/png': 'image/png',
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/gif': 'image/gif',
  'image/webp': 'image/webp',
};

export function isTextMime(mime: string): boolean {
  const m = mime.toLowerCase().split(';')[0].trim();
  return m.startsWith('text/') || m === 'application/json' || m.endsWith('+json') || m === 'application/xml' || m.endsWith('+xml');
}

/** Thrown before anything is sent: the request holds an image the model cannot take. */
export class ImageInputError extends Error {
  override readonly name = 'ImageInputError';
}

export interface MappedRequest {
  /** System-role messages (VS Code's own instructions) joined, if any. */
  system?: string;
  turns: ChatTurn[];
  tools?: ToolDefinition[];
  toolChoice?: ToolChoice;
  /** Images the user attached (not counting those inside tool results). */
  imageCount: number;
  /** What was left out and why, for the debug log. */
  notes: string[];
}

export interface MappingModel {
  id: string;
  imageInput: boolean;
}

const decoder = new TextDecoder();

/**
 * Maps one request. Throws ImageInputError when the user attached an image the model cannot take
 * (a model without image input, or a format neither wire format accepts).
 */
export function mapRequest(
  messages: readonly LmChatRequestMessage[],
  options: LmResponseOptions,
  classes: Partial<LmPartClasses>,
  model: MappingModel,
): MappedRequest {
  const notes: string[] = [];
  const system: string[] = [];
  const turns: ChatTurn[] = [];
  let imageCount = 0;

  const image = (data: Uint8Array, mimeType: string, where: 'message' | 'toolResult'): ContentPart | undefined => {
    const mediaType = IMAGE_TYPES[mimeType.toLowerCase().split(';')[0].trim()];
    if (where === 'message') {
      if (!model.imageInput) {
        throw new ImageInputError(
          l10n.t('{0} does not accept images, so nothing was sent. Remove the image, or choose a GMI model with image input (for example a vision model) in the model picker.', model.id),
        );
      }
      if (!mediaType) throw new ImageInputError(l10n.t('GMI models accept PNG, JPEG, GIF and WebP images; this one is {0}, so nothing was sent. Convert it and try again.', mimeType));
      imageCount++;
    } else if (!model.imageInput || !mediaType) {
      notes.push(`an image (${mimeType}) in a tool result was left out: ${!model.imageInput ? `${model.id} does not accept images` : 'unsupported image type'}`);
      return { type: 'text', text: `[image omitted: ${!model.imageInput ? 'this model does not accept images' : `unsupported type ${mimeType}`}]` };
    }
    return { type: 'image', mediaType, data: Buffer.from(data).toString('base64') };
  };

  for (const message of messages) {
    const role = message.role;
    if (role !== LmRole.User && role !== LmRole.Assistant && role !== LmRole.System) {
      notes.push(`a message with unknown role ${String(role)} was left out`);
      continue;
    }
    const results: ContentPart[] = [];
    const parts: ContentPart[] = [];
    let unsigned = '';
    for (const raw of message.content) {
      const part = classifyPart(raw, classes);
      switch (part.kind) {
        case 'text':
          if (part.value) parts.push({ type: 'text', text: part.value });
          break;
        case 'data':
          if (part.mimeType.toLowerCase().startsWith('image/')) {
            if (role === LmRole.Assistant) notes.push('an image in an assistant message was left out');
            else {
              const img = image(part.data, part.mimeType, 'message');
              if (img) parts.push(img);
            }
          } else if (isTextMime(part.mimeType)) {
            parts.push({ type: 'text', text: decoder.decode(part.data) });
          } else {
            // e.g. VS Code's own `cache_control` / `stateful_marker` hints for other providers.
            notes.push(`a ${part.mimeType} data part was left out`);
          }
          break;
        case 'toolCall':
          if (role === LmRole.Assistant) parts.push({ type: 'toolCall', id: part.callId, name: part.name, input: { ...(part.input as Record<string, unknown>) } });
          else notes.push(`a tool call in a ${role === LmRole.User ? 'user' : 'system'} message was left out`);
          break;
        case 'toolResult': {
          if (role !== LmRole.User) {
            notes.push('a tool result outside a user message was left out');
            break;
          }
          const { text, images } = toolResultContent(part.content, classes, (d, m) => image(d, m, 'toolResult'));
          results.push({ type: 'toolResult', toolCallId: part.callId, content: text, ...(part.isError ? { isError: true } : {}) });
          // Images a tool returned (a screenshot) follow the results in the same turn.
          parts.push(...images);
          break;
        }
        case 'thinking': {
          // Signed blocks go back with their turn (Anthropic requires them with thinking and tools).
          if (role !== LmRole.Assistant) {
            notes.push('thinking outside an assistant message was left out');
            break;
          }
          const sent = thinkingToSend(part, unsigned);
          if ('unsigned' in sent) unsigned = sent.unsigned;
          else {
            parts.push(sent);
            unsigned = '';
          }
          break;
        }
        case 'promptTsx':
          parts.push({ type: 'text', text: promptTsxText(part.value) });
          break;
        case 'unknown':
          notes.push(`an unknown message part (${part.what}) was left out`);
          break;
      }
    }
    if (unsigned) notes.push('earlier reasoning (thinking) without a signature was not sent back');
    if (role === LmRole.System) {
      const text = parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
      if (text.trim()) system.push(text);
      continue;
    }
    addTurn(turns, role === LmRole.User ? 'user' : 'assistant', [...results, ...parts]);
  }

  const mapped: MappedRequest = { turns: turns.map(collapse), imageCount, notes };
  if (system.length) mapped.system = system.join('\n\n');
  if (options.tools?.length) {
    mapped.tools = options.tools.map((t) => ({
      name: t.name,
      ...(t.description ? { description: t.description } : {}),
      // Both formats want an object schema; a tool without one takes no input.
      inputSchema: isObj(t.inputSchema) ? (t.inputSchema as Record<string, unknown>) : { type: 'object', properties: {} },
    }));
    mapped.toolChoice = options.toolMode === LmToolMode.Required ? 'required' : 'auto';
  }
  return mapped;
}

/** Appends a turn, merging it into the previous one of the same role (both formats prefer alternation). */
function addTurn(turns: ChatTurn[], role: ChatTurn['role'], parts: ContentPart[]): void {
  if (parts.length === 0) return;
  const last = turns[turns.length - 1];
  if (last && last.role === role) {
    const prev = last.content as ContentPart[];
    const results = [...prev.filter((p) => p.type === 'toolResult'), ...parts.filter((p) => p.type === 'toolResult')];
    const rest = [...prev.filter((p) => p.type !== 'toolResult')];
    const more = parts.filter((p) => p.type !== 'toolResult');
    const tail = rest[rest.length - 1];
    // Text of two messages stays two paragraphs.
    if (tail?.type === 'text' && more[0]?.type === 'text') more[0] = { type: 'text', text: `\n\n${more[0].text}` };
    last.content = [...results, ...rest, ...more];
    return;
  }
  turns.push({ role, content: parts });
}

/** Adjacent text parts become one; a turn of text only becomes a plain string. */
function collapse(turn: ChatTurn): ChatTurn {
  const parts: ContentPart[] = [];
  for (const p of turn.content as ContentPart[]) {
    const prev = parts[parts.length - 1];
    if (p.type === 'text' && prev?.type === 'text') parts[parts.length - 1] = { type: 'text', text: prev.text + p.text };
    else parts.push(p);
  }
  if (parts.length === 1 && parts[0].type === 'text') return { role: turn.role, content: parts[0].text };
  return { role: turn.role, content: parts };
}

/** A tool result's parts as text (the wire formats' results are text), with any images set apart. */
export function toolResultContent(
  content: readonly unknown[],
  classes: Partial<LmPartClasses>,
  image: (data: Uint8Array, mimeType: string) => ContentPart | undefined,
): { text: string; images: ContentPart[] } {
  let text = '';
  const images: ContentPart[] = [];
  for (const raw of content) {
    const part = classifyPart(raw, classes);
    if (part.kind === 'text') text += part.value;
    else if (part.kind === 'promptTsx') text += promptTsxText(part.value);
    else if (part.kind === 'data') {
      if (part.mimeType.toLowerCase().startsWith('image/')) {
        const img = image(part.data, part.mimeType);
        if (img?.type === 'text') text += img.text;
        else if (img) images.push(img);
      } else if (isTextMime(part.mimeType)) text += decoder.decode(part.data);
    } else if (isObj(raw) && 'value' in raw) text += typeof raw.value === 'string' ? raw.value : safeJson(raw.value);
  }
  return { text, images };
}

/** The text of a prompt-tsx element tree (its text nodes in order); JSON when it has none. */
export function promptTsxText(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 64 || !isObj(v)) return;
    if (Array.isArray(v)) return v.forEach((c) => walk(c, depth + 1));
    if (typeof v.text === 'string') out.push(v.text);
    for (const [k, c] of Object.entries(v)) if (k !== 'text' && isObj(c)) walk(c, depth + 1);
  };
  walk(value, 0);
  return out.length ? out.join('') : safeJson(value);
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return String(v);
  }
}
