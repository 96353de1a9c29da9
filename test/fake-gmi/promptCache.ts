// Anthropic-style prompt caching for the fake server's Messages route, close enough to test the
// client's markers: a request's blocks in cache order (tools, system, messages), `cache_control`
// markers on some of them; the prefix up to a marker is written to the cache, and a later request
// whose prefix up to a marker — or up to any of the ~20 blocks before one (Anthropic's lookback) —
// was written before reads it. Prefixes under 1,024 tokens are never cached (Anthropic's minimum
// for Sonnet and Opus). Tokens are estimated as in replies.ts (4 characters per token).

const LOOKBACK_BLOCKS = 20;
const MIN_CACHEABLE_TOKENS = 1024;
const MAX_MARKERS = 4;

export interface CacheUsage {
  /** Input tokens not read from or written to the cache. */
  input: number;
  cached: number;
  cacheWrite: number;
}

type Block = Record<string, unknown>;

const tokens = (blocks: Block[]): number => Math.max(1, Math.ceil(JSON.stringify(blocks).length / 4));

function withoutMarker(b: Block): Block {
  const { cache_control: _marker, ...rest } = b;
  return rest;
}

/** The request's blocks in the order the cache sees them; each remembers whether it had a marker. */
function blocksOf(body: Record<string, unknown>): Array<{ block: Block; marked: boolean }> {
  const out: Array<{ block: Block; marked: boolean }> = [];
  const add = (b: unknown, where: string): void => {
    const block = b && typeof b === 'object' ? (b as Block) : { type: 'text', text: String(b) };
    out.push({ block: { where, ...withoutMarker(block) }, marked: !!block.cache_control });
  };
  for (const t of Array.isArray(body.tools) ? body.tools : []) add(t, 'tool');
  if (typeof body.system === 'string') add({ type: 'text', text: body.system }, 'system');
  else if (Array.isArray(body.system)) for (const b of body.system) add(b, 'system');
  for (const [i, m] of (Array.isArray(body.messages) ? (body.messages as Array<{ role?: string; content?: unknown }>) : []).entries()) {
    const where = `${i}:${m.role}`;
    if (typeof m.content === 'string') add({ type: 'text', text: m.content }, where);
    else if (Array.isArray(m.content)) for (const b of m.content) add(b, where);
  }
  return out;
}

/** How many blocks of a Messages request carry `cache_control`. */
export function countMarkers(body: unknown): number {
  return body && typeof body === 'object' ? blocksOf(body as Record<string, unknown>).filter((b) => b.marked).length : 0;
}

export class FakePromptCache {
  private readonly written = new Set<string>();

  clear(): void {
    this.written.clear();
  }

  /** Reads and writes the cache for one Messages request body, as Anthropic reports them. */
  use(body: Record<string, unknown>): CacheUsage {
    const blocks = blocksOf(body);
    const model = String(body.model ?? '');
    const key = (end: number): string => `${model}\n${JSON.stringify(blocks.slice(0, end + 1).map((b) => b.block))}`;
    const size = (end: number): number => tokens(blocks.slice(0, end + 1).map((b) => b.block));
    const total = blocks.length ? size(blocks.length - 1) : 1;
    const markers = blocks.flatMap((b, i) => (b.marked ? [i] : []));
    if (markers.length > MAX_MARKERS) return { input: total, cached: 0, cacheWrite: 0 }; // refused by the server

    let readEnd = -1;
    for (const m of markers) {
      for (let end = m; end >= Math.max(0, m - LOOKBACK_BLOCKS); end--) {
        if (end > readEnd && this.written.has(key(end))) readEnd = end;
      }
    }
    const cached = readEnd >= 0 ? size(readEnd) : 0;
    let cacheWrite = 0;
    const last = markers[markers.length - 1];
    if (last !== undefined && last > readEnd && size(last) >= MIN_CACHEABLE_TOKENS) cacheWrite = size(last) - cached;
    for (const m of markers) if (size(m) >= MIN_CACHEABLE_TOKENS) this.written.add(key(m));
    return { input: Math.max(0, total - cached - cacheWrite), cached, cacheWrite };
  }
}
