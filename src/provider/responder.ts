// One response for VS Code's chat: maps the messages, sends them on the model's endpoint, streams
// text / thinking / complete tool calls back as VS Code parts, records usage, and turns failures
// into errors with the sidebar's wording and next steps. No `vscode` import: the host passes the
// running VS Code's part classes and error factories in, so this is tested in plain Node.
import * as l10n from '../l10n';
import { failureActions, nextStepsSentence } from '../actions/nextSteps';
import type { StreamingClient } from '../chat/chatService';
import type { RequestOptions } from '../config/requestPolicy';
import { endingNotice } from '../gmi/endings';
import type { ChatRequest, EndReason, GmiErrorInfo, GmiErrorKind, Usage, WireApi } from '../gmi/types';
import type { ErrorActionId } from '../protocol/messages';
import { usageLogLine, usageRecord, type UsageTracker } from '../usage/usageTracker';
import { ImageInputError, mapRequest } from './messageMapping';
import { providerRequestOptions } from './requestParameters';
import { ResponseParts, type InlineReasoningModels } from './responseParts';
import type { LmChatInformation, LmChatRequestMessage, LmErrorFactories, LmPartClasses, LmResponseOptions } from './vscodeLm';

/**
 * What a request needs from settings and the connection, resolved when it is sent. The sampling and
 * reasoning parameters (gmi.maxTokens, gmi.temperature, gmi.thinking, gmi.reasoningEffort) come from
 * `requestOptions(readSettings())`, the policy the sidebar uses.
 */
export interface PreparedChat extends RequestOptions {
  client: StreamingClient;
  api: WireApi;
  /** gmi.systemPrompt, added after VS Code's own instructions. */
  system?: string;
  /** The model's largest reply (the cap for any requested maximum). */
  maxOutputTokens: number;
}

export interface PrepareBlocked {
  blocked: true;
  message: string;
  actions: ErrorActionId[];
}

export interface ResponderLog {
  info(message: string): void;
  warn(message: string): void;
  debug(message: string): void;
  redact(text: string): string;
}

export interface ResponderDeps {
  parts: LmPartClasses;
  errors?: LmErrorFactories;
  /** May ask for the key / host approval: a chat request is a user action. */
  prepare(modelId: string): Promise<PreparedChat | PrepareBlocked>;
  usage: UsageTracker;
  log: ResponderLog;
  /** Models whose leading text is held while it may be reasoning (responseParts.ts); none when absent. */
  inlineReasoning?: InlineReasoningModels;
}

export interface CancellationLike {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/** An error VS Code's chat shows: the sidebar's message plus its next steps, as a LanguageModelError where one fits. */
export function providerError(
  message: string,
  actions: readonly ErrorActionId[],
  kind: GmiErrorKind | undefined,
  errors: LmErrorFactories | undefined,
  redact: (t: string) => string = (t) => t,
): Error {
  const text = redact(`${message} ${nextStepsSentence(actions, message)}`.trim());
  const factory =
    kind === 'auth' ? errors?.NoPermissions : kind === 'modelNotFound' ? errors?.NotFound : kind === 'rateLimit' || kind === 'billing' ? errors?.Blocked : undefined;
  return factory ? factory.call(errors, text) : new Error(text);
}

export async function respond(
  deps: ResponderDeps,
  model: LmChatInformation,
  messages: readonly LmChatRequestMessage[],
  options: LmResponseOptions,
  progress: { report(part: unknown): void },
  token: CancellationLike,
): Promise<void> {
  const { log } = deps;
  let mapped;
  try {
    mapped = mapRequest(messages, options, deps.parts, { id: model.id, imageInput: model.capabilities.imageInput === true });
  } catch (err) {
    if (err instanceof ImageInputError) {
      log.warn(`VS Code chat: ${err.message}`);
      throw providerError(err.message, [], 'badRequest', deps.errors, log.redact.bind(log));
    }
    throw err;
  }
  for (const note of mapped.notes) log.debug(`VS Code chat → ${model.id}: ${note}.`);
  if (mapped.turns.length === 0) throw providerError('There is nothing to send: the request holds no message GMI can take.', [], 'badRequest', deps.errors);
  if (token.isCancellationRequested) return;

  let prepared: PreparedChat | PrepareBlocked;
  try {
    prepared = await deps.prepare(model.id);
  } catch (err) {
    const message = l10n.t('The request could not be started: {0}', err instanceof Error ? err.message : String(err));
    log.warn(message);
    throw providerError(message, ['retry', 'openLog'], undefined, deps.errors, log.redact.bind(log));
  }
  if ('blocked' in prepared) {
    throw providerError(prepared.message, prepared.actions, prepared.actions.includes('setApiKey') ? 'auth' : undefined, deps.errors, log.redact.bind(log));
  }
  if (token.isCancellationRequested) return;

  const { maxTokens, temperature, thinkingBudgetTokens, reasoningEffort } = prepared;
  const params = providerRequestOptions({ maxTokens, temperature, thinkingBudgetTokens, reasoningEffort }, options.modelOptions, prepared.maxOutputTokens);
  const request: ChatRequest = {
    model: model.id,
    api: prepared.api,
    system: [mapped.system, prepared.system].filter((s) => s?.trim()).join('\n\n') || undefined,
    messages: mapped.turns,
    ...params.options,
  };
  if (mapped.tools) {
    request.tools = mapped.tools;
    request.toolChoice = mapped.toolChoice;
  }
  log.info(
    `VS Code chat → ${model.id} (${prepared.api}): ${mapped.turns.length} turn(s)` +
      `${mapped.tools ? `, ${mapped.tools.length} tool(s), tool choice ${String(mapped.toolChoice)}` : ''}${mapped.imageCount ? `, ${mapped.imageCount} image(s)` : ''}.`,
  );

  // Cancelling aborts the HTTP request at once (the client closes the connection).
  const controller = new AbortController();
  const subscription = token.onCancellationRequested(() => controller.abort());
  const usage: Usage = {};
  let failure: GmiErrorInfo | undefined;
  let ended: EndReason | undefined;
  const inline = deps.inlineReasoning;
  const parts = new ResponseParts(deps.parts, progress, prepared.api === 'chatCompletions' && inline !== undefined && inline.has(model.id));
  try {
    for await (const event of prepared.client.stream(request, { signal: controller.signal })) {
      switch (event.type) {
        case 'usage':
          for (const [k, v] of Object.entries(event.usage) as [keyof Usage, number | undefined][]) if (v !== undefined) usage[k] = v;
          break;
        case 'end':
          ended = event.reason;
          break;
        case 'error':
          failure = event.error;
          break;
        default:
          parts.handle(event);
          break;
      }
    }
  } catch (err) {
    // The client promises not to throw; if something still does, say so instead of hanging.
    failure = { kind: 'unknown', message: l10n.t('Unexpected error: {0}', err instanceof Error ? err.message : String(err)), action: 'retry' };
  } finally {
    subscription.dispose();
  }
  if (!controller.signal.aborted) parts.finish();
  if (parts.thinkingDropped) log.debug(`VS Code chat ← ${model.id}: ${parts.thinkingDropped} characters of reasoning not shown (this VS Code has no thinking parts).`);
  if (parts.sawInlineReasoning && inline && !inline.has(model.id)) {
    inline.learn(model.id);
    log.info(`VS Code chat ← ${model.id}: its reasoning came inside the answer, closed by </think>; its next replies hold their leading text until that is decided.`);
  }
  if (parts.reasoningShownAsText) {
    log.warn(`VS Code chat ← ${model.id}: ${parts.reasoningShownAsText} characters of reasoning had already been shown as answer text before its </think> came.`);
  }
  const record = usageRecord(model.id, prepared.api, usage);
  if (record) {
    deps.usage.record(record);
    log.info(usageLogLine(record));
  }
  if (controller.signal.aborted || token.isCancellationRequested) {
    log.info(`VS Code chat → ${model.id}: cancelled.`);
    return;
  }
  if (failure) {
    log.warn(`VS Code chat → ${model.id} failed: ${failure.message}`);
    throw providerError(failure.message, failureActions(failure), failure.kind, deps.errors, log.redact.bind(log));
  }
  // A reply cut at its length, or declined by the model or the provider's filter, does not end
  // silently: the sidebar's notice and next steps follow as a quoted paragraph. Text, not an error:
  // VS Code's response stream ends at an error, and the parts a consumer has not read by then
  // (often the reply's last text, or all of a short one) are never shown.
  const notice = ended ? endingNotice(ended, request, params.caller.maxTokens ? 'caller' : 'setting') : undefined;
  if (notice) {
    log.info(`VS Code chat → ${model.id}: ended (${ended}): ${notice.message}`);
    const words = `${notice.message} ${nextStepsSentence(notice.actions, notice.message)}`.trim();
    progress.report(new deps.parts.TextPart(`${parts.reportedText ? '\n\n' : ''}> ${words}`));
  }
}
