import * as vscode from 'vscode';
import type { ReasoningEffort } from '../gmi/types';
import { parseReasoningEffort, parseThinking } from './requestPolicy';

export type ApiSetting = 'auto' | 'chatCompletions' | 'messages';

export const DEFAULT_BASE_URL = 'https://api.gmi-serving.com/v1';
export const DEFAULT_MODEL = 'anthropic/claude-sonnet-4.5';

/** The extension's settings, read fresh each time (they can change at any moment). */
export interface GmiSettings {
  model: string;
  api: ApiSetting;
  /** Only ever the user/application value: a workspace cannot redirect the key. */
  baseUrl: string;
  maxTokens?: number;
  temperature?: number;
  /** gmi.thinking: the extended-thinking budget in tokens; undefined when `off`. */
  thinkingBudgetTokens?: number;
  /** gmi.reasoningEffort; undefined: the model's default. */
  reasoningEffort?: ReasoningEffort;
  systemPrompt: string;
  idleTimeoutMs: number;
}

export interface NetworkConfig {
  proxy?: string;
  proxyStrictSSL: boolean;
  /** VS Code's `http.noProxy`: hosts that bypass the proxy. */
  noProxy: string[];
}

function positiveNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * The user's own value of an application-scoped setting (or the default). VS Code already ignores
 * workspace values of such settings; reading the global value explicitly means even a VS Code that
 * honoured one could not let a cloned repository choose where the key goes, which model is billed
 * or what the system prompt says.
 */
function userValue(c: vscode.WorkspaceConfiguration, key: string): string | undefined {
  const v = c.inspect<unknown>(key);
  const value = v?.globalValue ?? v?.defaultValue;
  return typeof value === 'string' ? value : undefined;
}

export function readSettings(): GmiSettings {
  const c = vscode.workspace.getConfiguration('gmi');
  // `gmi.baseUrl`, `gmi.model` and `gmi.systemPrompt` are application-scoped (SECURITY.md).
  const baseUrl = (userValue(c, 'baseUrl') ?? DEFAULT_BASE_URL).trim() || DEFAULT_BASE_URL;
  const api = c.get<string>('api');
  const temperature = c.get<number | null>('temperature');
  const idle = positiveNumber(c.get('idleTimeoutSeconds')) ?? 60;
  return {
    model: (userValue(c, 'model') ?? '').trim() || DEFAULT_MODEL,
    api: api === 'chatCompletions' || api === 'messages' ? api : 'auto',
    baseUrl,
    maxTokens: positiveNumber(c.get('maxTokens')),
    temperature: typeof temperature === 'number' && temperature >= 0 && temperature <= 2 ? temperature : undefined,
    thinkingBudgetTokens: parseThinking(c.get('thinking')),
    reasoningEffort: parseReasoningEffort(c.get('reasoningEffort')),
    systemPrompt: userValue(c, 'systemPrompt') ?? '',
    idleTimeoutMs: Math.min(Math.max(idle, 5), 600) * 1000,
  };
}

export function readNetworkConfig(): NetworkConfig {
  const http = vscode.workspace.getConfiguration('http');
  const proxy = (http.get<string>('proxy') ?? '').trim();
  const noProxy = http.get<unknown>('noProxy');
  return {
    proxy: proxy || undefined,
    proxyStrictSSL: http.get<boolean>('proxyStrictSSL') ?? true,
    noProxy: Array.isArray(noProxy) ? noProxy.filter((h): h is string => typeof h === 'string') : [],
  };
}

export async function setModel(model: string): Promise<void> {
  await vscode.workspace.getConfiguration('gmi').update('model', model, vscode.ConfigurationTarget.Global);
}

export function affectsGmi(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration('gmi') || e.affectsConfiguration('http.proxy') || e.affectsConfiguration('http.proxyStrictSSL') || e.affectsConfiguration('http.noProxy');
}
