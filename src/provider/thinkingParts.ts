// Messages' thinking blocks in VS Code's chat. A finished block (its text and Anthropic's signature,
// or a redacted block's data) is reported as a thinking part with no text of its own and the block
// in its metadata — under the keys Copilot's Anthropic provider uses, so VS Code's chat and other
// providers read them the same way — and VS Code hands that part back with the assistant turn of a
// later request, where it becomes the block again (with thinking and tools on, Anthropic requires
// the turn that made tool calls to start with it). No `vscode` import.
import type { ThinkingBlock } from '../gmi/types';

/** Metadata keys of a thinking part that carries a whole thinking block (as Copilot's Anthropic provider names them). */
export const THINKING_METADATA = { signature: 'signature', text: '_completeThinking', redacted: 'redactedData' } as const;

/** A thinking block → the metadata of the thinking part that carries it. */
export function thinkingMetadata(block: ThinkingBlock): Record<string, string> {
  return block.type === 'thinking'
    ? { [THINKING_METADATA.signature]: block.signature, [THINKING_METADATA.text]: block.text }
    : { [THINKING_METADATA.redacted]: block.data };
}

/**
 * What a thinking part gives back to send with its turn: a redacted block, or a signed block (the
 * text is the metadata's whole text, else the unsigned parts before it plus its own value), or
 * nothing (`unsigned`: a streamed piece, kept in case a signed part without text follows).
 */
export function thinkingToSend(part: { value: string; metadata?: { readonly [key: string]: unknown } }, unsignedBefore: string): ThinkingBlock | { unsigned: string } {
  const m = part.metadata;
  const redacted = m?.[THINKING_METADATA.redacted];
  if (typeof redacted === 'string' && redacted) return { type: 'redactedThinking', data: redacted };
  const signature = m?.[THINKING_METADATA.signature];
  const whole = m?.[THINKING_METADATA.text];
  if (typeof signature === 'string' && signature) return { type: 'thinking', text: typeof whole === 'string' ? whole : unsignedBefore + part.value, signature };
  return { unsigned: unsignedBefore + part.value };
}
