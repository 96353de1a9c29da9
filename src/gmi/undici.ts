// Only the parts of undici the client uses. `import 'undici'` bundles fetch, WebSocket, caches and
// mock agents (~530 KB minified); these deep requires keep the network chunk to what we need.
// The client never installs a global dispatcher: that would break VS Code's patched fetch for
// every other extension.
import type * as Undici from 'undici';

/* eslint-disable @typescript-eslint/no-require-imports */
export const Agent: typeof Undici.Agent = require('undici/lib/dispatcher/agent');
export const ProxyAgent: typeof Undici.ProxyAgent = require('undici/lib/dispatcher/proxy-agent');
const apiRequest = require('undici/lib/api/api-request');
/* eslint-enable @typescript-eslint/no-require-imports */

export type Dispatcher = Undici.Dispatcher;
export type ResponseData = Undici.Dispatcher.ResponseData;
export type RequestOptions = Omit<Undici.Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method: Undici.Dispatcher.HttpMethod;
};

/** `undici.request` bound to an explicit dispatcher (never the global one). */
export function request(dispatcher: Dispatcher, url: string | URL, options: RequestOptions): Promise<ResponseData> {
  const u = typeof url === 'string' ? new URL(url) : url;
  return apiRequest.call(dispatcher, { ...options, origin: u.origin, path: `${u.pathname}${u.search}` });
}
