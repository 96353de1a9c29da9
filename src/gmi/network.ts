// Builds the undici dispatcher the client sends requests through: direct or via an HTTP(S) proxy,
// with the trusted CAs and certificate checking the user configured. The dispatcher is always
// passed explicitly per request, never installed globally: a global dispatcher would replace
// VS Code's patched fetch for every other extension.
import * as l10n from '../l10n';
import * as fs from 'node:fs';
import * as tls from 'node:tls';
import type * as Undici from 'undici';
import { Agent, ProxyAgent, type Dispatcher } from './undici';

// ProxyAgent opens its tunnel with `pool.connect(...)`, a method the full `undici` entry point adds
// to every Dispatcher. With deep imports it is missing, so the proxy's pool gets it here (on that
// instance only; no shared prototype is touched).
/* eslint-disable @typescript-eslint/no-require-imports */
const Pool: typeof Undici.Pool = require('undici/lib/dispatcher/pool');
const apiConnect: Undici.Dispatcher['connect'] = require('undici/lib/api/api-connect');
/* eslint-enable @typescript-eslint/no-require-imports */
function proxyClientFactory(origin: URL, opts: object): Dispatcher {
  return Object.assign(new Pool(origin, opts), { connect: apiConnect });
}

export interface NetworkSettings {
  /** VS Code `http.proxy`; wins over the environment. */
  proxy?: string;
  /** VS Code `http.proxyStrictSSL` (default true). false turns certificate checks off for the proxy and the target. */
  proxyStrictSSL?: boolean;
  /** VS Code `http.noProxy`: extra NO_PROXY entries. */
  noProxy?: string[];
  /** Defaults to process.env: HTTPS_PROXY / HTTP_PROXY / NO_PROXY and NODE_EXTRA_CA_CERTS. */
  env?: NodeJS.ProcessEnv;
}

export interface NetworkSetup {
  dispatcher: Dispatcher;
  /** One line for the log, e.g. "via proxy http://127.0.0.1:3128 (HTTPS_PROXY)". Never credentials. */
  description: string;
  /** Problems worth logging that did not stop us, e.g. an unreadable NODE_EXTRA_CA_CERTS file. */
  warnings: string[];
}

const SUPPORTED_PROXY_PROTOCOLS = new Set(['http:', 'https:', 'socks:', 'socks5:']);

/**
 * Creates the dispatcher for requests to `targetUrl`. Throws only for a proxy setting that is not a
 * usable URL (silently going direct could bypass a proxy the user's network requires).
 */
export function createDispatcher(targetUrl: string | URL, settings: NetworkSettings): NetworkSetup {
  const env = settings.env ?? process.env;
  const target = typeof targetUrl === 'string' ? new URL(targetUrl) : targetUrl;
  const strictSSL = settings.proxyStrictSSL !== false;
  const warnings: string[] = [];

  const extra = readExtraCaCerts(env, warnings);
  const tlsOptions: tls.ConnectionOptions = {};
  // Passing `ca` replaces Node's trust store, so only pass it when there is something to add.
  if (extra.certs.length > 0) tlsOptions.ca = [...defaultCaCertificates(), ...extra.certs];
  if (!strictSSL) tlsOptions.rejectUnauthorized = false;

  const notes: string[] = [];
  if (extra.certs.length > 0) notes.push(`+${extra.certs.length} CA certificate(s) from NODE_EXTRA_CA_CERTS`);
  if (!strictSSL) notes.push('certificate checks OFF (http.proxyStrictSSL=false)');
  const suffix = notes.length > 0 ? `; ${notes.join('; ')}` : '';

  const chosen = chooseProxy(target, settings, env);
  if (!chosen) {
    return { dispatcher: new Agent({ connect: tlsOptions }), description: `direct${suffix}`, warnings };
  }

  const noProxy = [env.NO_PROXY ?? env.no_proxy ?? '', ...(settings.noProxy ?? [])].join(',');
  if (shouldBypassProxy(target, noProxy)) {
    return { dispatcher: new Agent({ connect: tlsOptions }), description: `direct (NO_PROXY)${suffix}`, warnings };
  }

  const proxyUrl = parseProxyUrl(chosen.url);
  const token = proxyAuthorization(proxyUrl);
  proxyUrl.username = '';
  proxyUrl.password = '';
  const dispatcher = new ProxyAgent({
    uri: proxyUrl.href,
    ...(token ? { token } : {}),
    requestTls: tlsOptions,
    proxyTls: tlsOptions,
    clientFactory: proxyClientFactory,
  });
  return {
    dispatcher,
    description: `via proxy ${describeProxy(chosen.url)} (${chosen.source})${suffix}`,
    warnings,
  };
}

/** The proxy URL for `target`, or undefined for a direct connection. NO_PROXY is not applied here. */
export function chooseProxy(
  target: URL,
  settings: Pick<NetworkSettings, 'proxy'>,
  env: NodeJS.ProcessEnv,
): { url: string; source: string } | undefined {
  const fromSettings = settings.proxy?.trim();
  if (fromSettings) return { url: fromSettings, source: 'http.proxy' };
  const names = target.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return { url: value, source: name };
  }
  return undefined;
}

/**
 * Whether `url` is excluded from proxying by a NO_PROXY-style list: comma/space separated
 * entries of `*`, `host`, `.domain` / `*.domain` (the domain and its subdomains), `host:port`,
 * IPs and `[ipv6]:port`. A plain `host` also matches its subdomains, as curl does. No CIDR ranges.
 */
export function shouldBypassProxy(url: string | URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const target = typeof url === 'string' ? new URL(url) : url;
  const host = stripBrackets(target.hostname.toLowerCase()).replace(/\.$/, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : target.protocol === 'http:' ? '80' : '');

  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const { host: entryHost, port: entryPort } = splitHostPort(entry);
    if (entryPort && entryPort !== port) continue;
    const domain = entryHost.replace(/^\*?\./, '').replace(/\.$/, '');
    if (!domain) continue;
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

/** A proxy URL fit for logs: scheme, host and port; credentials replaced by `***`. */
export function describeProxy(proxy: string): string {
  try {
    const u = parseProxyUrl(proxy);
    const auth = u.username || u.password ? '***@' : '';
    return `${u.protocol}//${auth}${u.host}`;
  } catch {
    return '(invalid proxy URL)';
  }
}

function parseProxyUrl(proxy: string): URL {
  // VS Code accepts `host:port` in http.proxy; treat a missing scheme as http.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(proxy) ? proxy : `http://${proxy}`;
  let u: URL;
  try {
    u = new URL(withScheme);
  } catch {
    throw new Error(l10n.t('The proxy setting is not a valid URL.'));
  }
  if (!SUPPORTED_PROXY_PROTOCOLS.has(u.protocol)) {
    throw new Error(l10n.t('Unsupported proxy scheme "{0}" (use http://, https:// or socks5://).', u.protocol));
  }
  return u;
}

/** `Basic` credentials from the proxy URL, sent as Proxy-Authorization by ProxyAgent. */
function proxyAuthorization(u: URL): string | undefined {
  if (!u.username && !u.password) return undefined;
  const user = decodeURIComponent(u.username);
  const pass = decodeURIComponent(u.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

/**
 * Certificates from the file NODE_EXTRA_CA_CERTS names, read now: Node reads the variable only at
 * process start, and VS Code users often set it afterwards.
 */
function readExtraCaCerts(env: NodeJS.ProcessEnv, warnings: string[]): { certs: string[] } {
  const file = env.NODE_EXTRA_CA_CERTS?.trim();
  if (!file) return { certs: [] };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    warnings.push(`NODE_EXTRA_CA_CERTS file could not be read (${file}): ${(err as Error).message}`);
    return { certs: [] };
  }
  const certs = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (certs.length === 0) warnings.push(`NODE_EXTRA_CA_CERTS file has no PEM certificates (${file})`);
  return { certs };
}

/** Node's current default trust store where the runtime can report it (keeps --use-system-ca), else the bundled roots. */
function defaultCaCertificates(): readonly string[] {
  const getCACertificates = (tls as { getCACertificates?: (type?: string) => string[] }).getCACertificates;
  return getCACertificates ? getCACertificates('default') : tls.rootCertificates;
}

function splitHostPort(entry: string): { host: string; port?: string } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return { host: bracketed[1], port: bracketed[2] };
  const parts = entry.split(':');
  if (parts.length === 2 && /^\d+$/.test(parts[1])) return { host: parts[0], port: parts[1] };
  return { host: entry }; // a bare IPv6 address has several colons and no port
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
