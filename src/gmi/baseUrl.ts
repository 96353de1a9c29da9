// Base URL checks (before the key is ever sent) and the choice of wire format per model.
import * as l10n from '../l10n';
import type { GmiErrorInfo, WireApi } from './types';

export type BaseUrlCheck = { ok: true; url: URL } | { ok: false; error: GmiErrorInfo };

export const DEFAULT_BASE_URL = 'https://api.gmi-serving.com/v1';

/** True for hosts that never leave this machine: 127.0.0.0/8, localhost, [::1]. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]' || h === '::1') return true;
  const m = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return m !== null && m.slice(1).every((n) => Number(n) <= 255);
}

function refuse(message: string): BaseUrlCheck {
  return { ok: false, error: { kind: 'insecureBaseUrl', message, action: 'openSettings' } };
}

/**
 * Accepts https URLs, and http only for loopback hosts (a local proxy or test server): the API
 * key must never travel in clear text. Trailing slashes are dropped so paths join cleanly.
 */
export function checkBaseUrl(raw: string): BaseUrlCheck {
  const text = (raw ?? '').trim();
  if (!text) return refuse(l10n.t('The GMI base URL is empty. Set gmi.baseUrl, e.g. https://api.gmi-serving.com/v1.'));
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return refuse(l10n.t('The GMI base URL "{0}" is not a valid URL. Set gmi.baseUrl, e.g. https://api.gmi-serving.com/v1.', text.slice(0, 200)));
  }
  if (url.username || url.password) {
    return refuse(l10n.t('The GMI base URL must not contain a user name or password. Remove them from gmi.baseUrl.'));
  }
  if (url.protocol === 'http:') {
    if (!isLoopbackHost(url.hostname)) {
      return refuse(
        `${l10n.t('The GMI base URL uses http:// for {0}; the API key would be sent unencrypted.', url.hostname)} ` +
          l10n.t('Use https:// in gmi.baseUrl (http:// is allowed only for localhost).'),
      );
    }
  } else if (url.protocol !== 'https:') {
    return refuse(l10n.t('The GMI base URL must start with https:// (got {0}). Fix gmi.baseUrl.', url.protocol));
  }
  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '');
  return { ok: true, url };
}

/** `{base}/{path}`, keeping any query string on the base URL. */
export function endpointUrl(base: URL, path: string): URL {
  const u = new URL(base.href);
  u.pathname = `${base.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  return u;
}

/** auto: Messages for `anthropic/*` models (GMI documents /messages for them), Chat Completions otherwise. */
export function resolveApi(model: string, setting: 'auto' | 'chatCompletions' | 'messages' = 'auto'): WireApi {
  if (setting === 'chatCompletions' || setting === 'messages') return setting;
  return model.trim().toLowerCase().startsWith('anthropic/') ? 'messages' : 'chatCompletions';
}
