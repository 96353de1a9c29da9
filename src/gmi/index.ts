// Public surface of the GMI client folder (bundled as dist/gmi.js, loaded on first use).
export * from './types';
export { GmiClient, GmiError, abortableSleep, parseModelList, type GmiClientOptions } from './client';
export { checkBaseUrl, resolveApi, endpointUrl, isLoopbackHost, DEFAULT_BASE_URL, type BaseUrlCheck } from './baseUrl';
export { catalogModels, catalogEntry, modelCapabilities, estimateCost, PRICES_AS_OF } from './catalog';
export { redact, errorFromResponse, errorFromException, errorFromStreamPayload } from './errors';
export { shouldRetry, retryDelayMs, serverRetryAfterMs, DEFAULT_MAX_RETRIES } from './retry';
export { SseDecoder, iterateSse, type SseEvent } from './sse';
export { buildChatCompletionsRequest, ChatCompletionsDecoder, ThinkTagSplitter } from './chatCompletions';
export { buildMessagesRequest, MessagesDecoder, messagesTokenLimits, ANTHROPIC_VERSION } from './messages';
export * from './network';
export { FAMILY_RULES, familyRule, requestParameters, replyTokenLimits, type FamilyRule } from './modelRules';
