import * as vscode from 'vscode';
import type { ClientLogger } from './gmi/types';

const KEY_LIKE = /\b(eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)/g;
const AUTH_HEADER = /((?:authorization|x-api-key|proxy-authorization)\s*[:=]\s*)(?:bearer\s+)?[^\s,;"']+/gi;

/**
 * The `GMI` log channel. Every line passes through `redact`: the stored key (and anything
 * shaped like a JWT key or an auth header) never reaches the log, whatever a caller passes in.
 */
export class Log implements ClientLogger, vscode.Disposable {
  private readonly channel: vscode.LogOutputChannel;
  private readonly secrets = new Set<string>();
  /** The last lines, kept for the test API and "copy diagnostics"; already redacted. */
  private readonly recent: string[] = [];

  constructor(name = 'GMI') {
    this.channel = vscode.window.createOutputChannel(name, { log: true });
  }

  /** Registers a secret that must never be written, e.g. the API key once read. */
  addSecret(secret: string | undefined): void {
    if (secret && secret.length >= 4) this.secrets.add(secret);
  }

  redact(text: string): string {
    let out = text;
    for (const s of this.secrets) out = out.split(s).join('[redacted]');
    return out.replace(KEY_LIKE, '[redacted]').replace(AUTH_HEADER, '$1[redacted]');
  }

  info(message: string): void {
    this.write('info', message);
  }
  warn(message: string): void {
    this.write('warn', message);
  }
  error(message: string): void {
    this.write('error', message);
  }
  debug(message: string): void {
    this.write('debug', message);
  }

  show(): void {
    this.channel.show(true);
  }

  lines(): readonly string[] {
    return this.recent;
  }

  private write(level: 'info' | 'warn' | 'error' | 'debug', message: string): void {
    const line = this.redact(message);
    this.recent.push(`[${level}] ${line}`);
    if (this.recent.length > 500) this.recent.splice(0, this.recent.length - 500);
    this.channel[level](line);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
