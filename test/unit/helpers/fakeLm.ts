// Stand-ins for VS Code's language model part classes and LanguageModelError, shaped like the real
// ones (constructor arguments and fields per vscode.d.ts 1.104+ and the thinking-part proposal), for
// the plain-Node provider tests.
import type { LmChatRequestMessage, LmErrorFactories, LmPartClasses } from '../../../src/provider/vscodeLm';

export class TextPart {
  constructor(public value: string) {}
}
export class DataPart {
  constructor(
    public data: Uint8Array,
    public mimeType: string,
  ) {}
  static image(data: Uint8Array, mime: string): DataPart {
    return new DataPart(data, mime);
  }
  static text(value: string, mime = 'text/plain'): DataPart {
    return new DataPart(new TextEncoder().encode(value), mime);
  }
  static json(value: unknown, mime = 'application/json'): DataPart {
    return new DataPart(new TextEncoder().encode(JSON.stringify(value)), mime);
  }
}
export class ToolCallPart {
  constructor(
    public callId: string,
    public name: string,
    public input: object,
  ) {}
}
export class ToolResultPart {
  constructor(
    public callId: string,
    public content: unknown[],
  ) {}
}
export class ThinkingPart {
  constructor(
    public value: string | string[],
    public id?: string,
    public metadata?: Record<string, unknown>,
  ) {}
}
export class PromptTsxPart {
  constructor(public value: unknown) {}
}

export const classes: LmPartClasses = { TextPart, DataPart, ToolCallPart, ToolResultPart, ThinkingPart, PromptTsxPart };
/** A VS Code without thinking parts. */
export const classesWithoutThinking: LmPartClasses = { TextPart, DataPart, ToolCallPart, ToolResultPart, PromptTsxPart };

export class FakeLanguageModelError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}
export const errors: LmErrorFactories = {
  NoPermissions: (m) => new FakeLanguageModelError(m ?? '', 'NoPermissions'),
  NotFound: (m) => new FakeLanguageModelError(m ?? '', 'NotFound'),
  Blocked: (m) => new FakeLanguageModelError(m ?? '', 'Blocked'),
};

export const user = (...content: unknown[]): LmChatRequestMessage => ({ role: 1, content, name: undefined });
export const assistant = (...content: unknown[]): LmChatRequestMessage => ({ role: 2, content, name: undefined });
export const system = (...content: unknown[]): LmChatRequestMessage => ({ role: 3, content, name: undefined });

/** A 1×1 PNG. */
export const PNG = Uint8Array.from(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'),
);
