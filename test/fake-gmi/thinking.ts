// Extended thinking as Anthropic checks it: the server signs each thinking block it sends (the
// signature covers the text, so a block must come back unchanged), and a request with thinking on
// whose last assistant turn made tool calls must start that turn with a thinking block — else the
// same 400 Anthropic answers.

import { createHash } from 'node:crypto';

/** The signature the server gives a thinking block with this text (base64, like Anthropic's). */
export function fakeSignature(thinking: string): string {
  return Buffer.from(`fake-signature:${createHash('sha256').update(thinking).digest('hex').slice(0, 32)}`).toString('base64');
}

type Block = { type?: unknown; thinking?: unknown; signature?: unknown; data?: unknown };
type Message = { role?: unknown; content?: unknown };

const RULE_TAIL =
  'When `thinking` is enabled, a final `assistant` message must start with a thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking';

/** Anthropic's error message for a Messages body that breaks the thinking rules, or undefined when it keeps them. */
export function thinkingRuleError(body: unknown): string | undefined {
  const b = body as { thinking?: { type?: unknown }; messages?: unknown } | undefined;
  const messages = Array.isArray(b?.messages) ? (b.messages as Message[]) : [];
  // every thinking block sent back must be one this server signed, text unchanged
  for (const [i, m] of messages.entries()) {
    if (m?.role !== 'assistant' || !Array.isArray(m.content)) continue;
    for (const [j, block] of (m.content as Block[]).entries()) {
      if (block?.type === 'thinking' && (typeof block.thinking !== 'string' || block.signature !== fakeSignature(block.thinking))) {
        return `messages.${i}.content.${j}: Invalid \`signature\` in \`thinking\` block`;
      }
      if (block?.type === 'redacted_thinking' && (typeof block.data !== 'string' || !block.data)) return `messages.${i}.content.${j}.data: Field required`;
    }
  }
  if (b?.thinking?.type !== 'enabled') return undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role !== 'assistant') continue;
    const blocks = Array.isArray(m.content) ? (m.content as Block[]) : [{ type: 'text' }];
    if (!blocks.some((x) => x?.type === 'tool_use')) return undefined;
    const first = blocks[0]?.type;
    if (first === 'thinking' || first === 'redacted_thinking') return undefined;
    return `messages.${i}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${String(first)}\`. ${RULE_TAIL}`;
  }
  return undefined;
}
