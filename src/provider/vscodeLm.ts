// Our own declaration of VS Code's language model provider API (finalized in 1.104). The extension
// targets `engines.vscode ^1.100.0` and vsce refuses an @types/vscode newer than that, so the parts
// we use are declared here, and found at run time: on 1.100 `detectLmProviderApi` returns undefined
// and nothing is registered. No runtime `vscode` import: the caller passes the namespace in (plain-Node
// tests pass a fake one).
import type { CancellationToken, Disposable, Event, Progress } from 'vscode';

/** The vendor our models are listed under in VS Code's chat (`contributes.languageModelChatProviders`). */
export const CHAT_VENDOR = 'gmi';

/** `LanguageModelChatMessageRole`; System (3) comes from the `languageModelSystem` proposal. */
export const LmRole = { User: 1, Assistant: 2, System: 3 } as const;
/** `LanguageModelChatToolMode`. */
export const LmToolMode = { Auto: 1, Required: 2 } as const;

export interface LmTextPart {
  value: string;
}
export interface LmDataPart {
  data: Uint8Array;
  mimeType: string;
}
export interface LmToolCallPart {
  callId: string;
  name: string;
  input: object;
}
export interface LmToolResultPart {
  callId: string;
  content: readonly unknown[];
  /** Only in newer builds (`LanguageModelToolResultPart2`); read when present. */
  isError?: boolean;
}
/**
 * Proposed `LanguageModelThinkingPart(value, id?, metadata?)` (vscode.proposed.languageModelThinkingPart),
 * present in recent builds; VS Code keeps `metadata` when it hands the part back in a later request.
 */
export interface LmThinkingPart {
  value: string | string[];
  id?: string;
  metadata?: { readonly [key: string]: unknown };
}

export interface LmChatRequestMessage {
  readonly role: number;
  readonly content: ReadonlyArray<unknown>;
  readonly name: string | undefined;
}

export interface LmChatTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema?: object | undefined;
}

export interface LmResponseOptions {
  readonly modelOptions?: { readonly [name: string]: unknown };
  readonly tools?: readonly LmChatTool[];
  readonly toolMode?: number;
}

export interface LmChatInformation {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly version: string;
  readonly tooltip?: string;
  readonly detail?: string;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  readonly capabilities: { readonly imageInput?: boolean; readonly toolCalling?: boolean | number };
}

export interface LmChatProvider<T extends LmChatInformation = LmChatInformation> {
  readonly onDidChangeLanguageModelChatInformation?: Event<void>;
  provideLanguageModelChatInformation(options: { readonly silent: boolean }, token: CancellationToken): Promise<T[]>;
  provideLanguageModelChatResponse(
    model: T,
    messages: readonly LmChatRequestMessage[],
    options: LmResponseOptions,
    progress: Progress<unknown>,
    token: CancellationToken,
  ): Promise<void>;
  provideTokenCount(model: T, text: string | LmChatRequestMessage, token: CancellationToken): Promise<number>;
}

type Ctor<T, A extends unknown[]> = new (...args: A) => T;

/** The part classes of the running VS Code: to build response parts and to recognise request parts. */
export interface LmPartClasses {
  TextPart: Ctor<LmTextPart, [value: string]>;
  ToolCallPart: Ctor<LmToolCallPart, [callId: string, name: string, input: object]>;
  ToolResultPart?: Ctor<LmToolResultPart, [callId: string, content: unknown[]]>;
  DataPart?: Ctor<LmDataPart, [data: Uint8Array, mimeType: string]>;
  /** Absent where thinking is not supported: reasoning is then dropped. */
  ThinkingPart?: Ctor<LmThinkingPart, [value: string | string[], id?: string, metadata?: { readonly [key: string]: unknown }]>;
  /** `LanguageModelPromptTsxPart` (tool results from prompt-tsx tools). */
  PromptTsxPart?: Ctor<{ value: unknown }, [value: unknown]>;
}

/** `LanguageModelError`'s static factories (the error codes consumers check). */
export interface LmErrorFactories {
  NoPermissions(message?: string): Error;
  NotFound(message?: string): Error;
  Blocked(message?: string): Error;
}

export interface LmProviderApi {
  register(vendor: string, provider: LmChatProvider): Disposable;
  parts: LmPartClasses;
  errors?: LmErrorFactories;
}

const isCtor = (v: unknown): v is Ctor<unknown, unknown[]> => typeof v === 'function';

/**
 * The provider API of the running VS Code, or undefined where it is missing (before 1.104):
 * `lm.registerLanguageModelChatProvider` plus the part classes a response needs.
 */
export function detectLmProviderApi(vscodeNamespace: unknown): LmProviderApi | undefined {
  const ns = vscodeNamespace as Record<string, unknown> | undefined;
  const lm = ns?.lm as Record<string, unknown> | undefined;
  const register = lm?.registerLanguageModelChatProvider;
  if (typeof register !== 'function' || !isCtor(ns?.LanguageModelTextPart) || !isCtor(ns?.LanguageModelToolCallPart)) return undefined;
  const optional = <T>(name: string): T | undefined => (isCtor(ns?.[name]) ? (ns?.[name] as T) : undefined);
  const errorClass = ns?.LanguageModelError as Partial<LmErrorFactories> | undefined;
  const errors =
    errorClass && typeof errorClass.NoPermissions === 'function' && typeof errorClass.NotFound === 'function' && typeof errorClass.Blocked === 'function'
      ? (errorClass as LmErrorFactories)
      : undefined;
  return {
    register: (vendor, provider) => (register as (v: string, p: LmChatProvider) => Disposable).call(lm, vendor, provider),
    parts: {
      TextPart: ns!.LanguageModelTextPart as LmPartClasses['TextPart'],
      ToolCallPart: ns!.LanguageModelToolCallPart as LmPartClasses['ToolCallPart'],
      ToolResultPart: optional('LanguageModelToolResultPart'),
      DataPart: optional('LanguageModelDataPart'),
      ThinkingPart: optional('LanguageModelThinkingPart'),
      PromptTsxPart: optional('LanguageModelPromptTsxPart'),
    },
    errors,
  };
}
