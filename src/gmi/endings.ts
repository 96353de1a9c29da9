// Endings a reader must be told about: a reply that stopped at its length limit, or that the model
// (refusal) or the provider (content filter) declined. Meant for the sidebar and VS Code's chat alike.
import * as l10n from '../l10n';
import { replyTokenLimits } from './modelRules';
import type { ChatRequest, EndReason, ErrorAction } from './types';

export interface EndingNotice {
  message: string;
  actions: ErrorAction[];
}

const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/**
 * Who set the request's maxTokens: the gmi.maxTokens setting (the default), or the caller (an
 * extension using a GMI model through VS Code's language model API, with `modelOptions.max_tokens`).
 */
export type MaxTokensSource = 'setting' | 'caller';

/**
 * What to tell the user when a reply ended for `reason`, or undefined when the ending needs no
 * words (a normal stop, tool calls, the user's own Stop). `request` is the request as sent: the
 * length message names gmi.maxTokens only when the setting set the limit, and the limit that applied.
 */
export function endingNotice(
  reason: EndReason,
  request: Pick<ChatRequest, 'model' | 'maxTokens' | 'thinkingBudgetTokens'>,
  maxTokensFrom: MaxTokensSource = 'setting',
): EndingNotice | undefined {
  if (reason === 'length') {
    const limit = replyTokenLimits(request).maxTokens;
    if (request.maxTokens !== undefined && request.maxTokens > 0 && maxTokensFrom === 'caller') {
      return {
        message: l10n.t('The reply stopped at the maximum length of {0} tokens the request asked for (max_tokens). Ask it to continue where it stopped.', count(limit)),
        actions: [],
      };
    }
    if (request.maxTokens !== undefined && request.maxTokens > 0) {
      return {
        message: l10n.t('The reply stopped at the maximum length of {0} tokens set in gmi.maxTokens. Ask to continue, or raise the limit.', count(limit)),
        actions: ['openSettings'],
      };
    }
    return {
      message: l10n.t("The reply stopped at {0}'s maximum reply length ({1} tokens). Ask it to continue where it stopped.", request.model, count(limit)),
      actions: [],
    };
  }
  if (reason === 'contentFilter') {
    return {
      message: l10n.t("The provider's content filter stopped this reply (finish reason content_filter): it was declined, not finished. Rephrase the question, or try another model."),
      actions: ['selectModel', 'retry'],
    };
  }
  if (reason === 'refusal') {
    return {
      message: l10n.t('{0} declined to answer (stop reason refusal). Rephrase the question, or try another model.', request.model),
      actions: ['selectModel', 'retry'],
    };
  }
  return undefined;
}
