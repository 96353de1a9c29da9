// GET {base}/models through the shared transport, and the list it returns → ModelInfo[] (the
// catalog fills in what the live list does not say).
import * as l10n from '../l10n';
import { checkBaseUrl, endpointUrl } from './baseUrl';
import { catalogEntry } from './catalog';
import { GmiError } from './errors';
import type { Transport } from './transport';
import type { ModelInfo } from './types';
import type { AuthOptions } from './wire';

/** Model lists are read up to this size. */
const MAX_JSON_BODY = 8 * 1024 * 1024;

const cancelled = (): GmiError => new GmiError({ kind: 'unknown', message: l10n.t('Listing models was cancelled.') });

/** GET {base}/models, merged with the catalog for missing context/output sizes. Throws GmiError. */
export async function listModels(transport: Transport, baseUrl: string, auth: AuthOptions, signal?: AbortSignal): Promise<ModelInfo[]> {
  const check = checkBaseUrl(baseUrl);
  if (!check.ok) throw new GmiError(check.error);
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${auth.apiKey}` };
  if (auth.organizationId) headers['x-organization-id'] = auth.organizationId;
  if (auth.userAgent) headers['user-agent'] = auth.userAgent;

  const exchange = transport.send<ModelInfo[], never>({ method: 'GET', url: endpointUrl(check.url, 'models'), headers, signal }, async function* (res) {
    const text = await transport.readText(res.body, MAX_JSON_BODY);
    if (signal?.aborted) return { type: 'cancelled' };
    try {
      return { type: 'ok', value: parseModelList(text) };
    } catch (err) {
      if (err instanceof GmiError) return { type: 'failed', error: err.info };
      throw err;
    }
  });
  let step = await exchange.next();
  while (!step.done) step = await exchange.next(); // only retry notices; the transport logs them
  const outcome = step.value;
  if (outcome.type === 'ok') return outcome.value;
  if (outcome.type === 'cancelled') throw cancelled();
  throw new GmiError(outcome.error);
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

/** `{data:[{id, owned_by, context_length?}]}` → ModelInfo[], catalog filling gaps. */
export function parseModelList(text: string): ModelInfo[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new GmiError({ kind: 'unknown', message: l10n.t('GMI returned a model list that is not JSON. Check the gmi.baseUrl setting.'), action: 'openSettings' });
  }
  const data = (json as { data?: unknown })?.data ?? json;
  if (!Array.isArray(data)) {
    throw new GmiError({ kind: 'unknown', message: l10n.t('GMI returned an unexpected model list. Check the gmi.baseUrl setting.'), action: 'openSettings' });
  }
  const out: ModelInfo[] = [];
  const seen = new Set<string>();
  for (const m of data as Array<Record<string, unknown>>) {
    const id = typeof m?.id === 'string' ? m.id : undefined;
    if (!id || seen.has(id)) continue;
    seen.add(id);
    const cat = catalogEntry(id);
    const info: ModelInfo = { id };
    if (typeof m.owned_by === 'string') info.ownedBy = m.owned_by;
    const ctx = num(m.context_length) ?? num(m.context_window) ?? num(m.max_model_len) ?? cat?.contextLength;
    if (ctx !== undefined) info.contextLength = ctx;
    const maxOut = num(m.max_output_tokens) ?? num(m.max_completion_tokens) ?? cat?.maxOutputTokens;
    if (maxOut !== undefined) info.maxOutputTokens = maxOut;
    out.push(info);
  }
  return out;
}
