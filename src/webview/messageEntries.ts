// The messages of the chat view: one <article> per message, created and updated from MessageView
// (the host's state), with streamed text rendered incrementally. Knows nothing of scrolling, the
// composer or the host: ChatApp owns those and calls in here.
import { NEXT_STEPS } from '../actions/nextSteps';
import { formatUsd } from '../usage/usageTracker';
import type { Codicon } from '../protocol/codicons';
import type { ErrorActionId, MessageView } from '../protocol/messages';
import type { WebviewStringKey } from '../protocol/webviewStrings';
import { chipList } from './attachmentChips';
import { h, htmlFragment, icon } from './dom';
import { t } from './l10n';
import { LaterHeads } from './laterHeads';
import { LaterHighlights } from './laterHighlights';
import { renderMarkdown } from './markdown';
import { placeMessageActions } from './messageActions';
import { StreamingMarkdown } from './streamingMarkdown';

export interface Entry {
  view: MessageView;
  el: HTMLElement;
  body: HTMLElement;
  /** textKey() of what the body shows when it was rendered in one go (finished messages). */
  rendered?: string;
  /**
   * A finished reply's text is not kept here once shown (a long session would hold every reply
   * twice: in the DOM and here); the host has it (Copy reply, Regenerate go by id).
   */
  textDropped?: boolean;
  /** Present while (or after) the message streamed in. */
  renderer?: StreamingMarkdown;
  thinkingText?: Text;
  /** Rendering was left for later (old messages of a long conversation). */
  pending?: boolean;
  /** The author line of a pending entry, attached when it renders. */
  label?: HTMLElement;
  /** A long question the user asked to see in full. */
  expanded?: boolean;
}

export interface MessageEntriesOptions {
  /** Defer a streamed render to the next frame (tests pass their own). */
  schedule?: (callback: () => void) => void;
  /** After each streamed render (e.g. to keep the bottom in view). */
  onStreamRender(): void;
  /** Whether a reply streams now (Edit and Regenerate are created disabled then). */
  isBusy?(): boolean;
  /** After a finished reply's body is rendered or updated (e.g. to link its file references). */
  onReplyRendered?(entry: Entry): void;
}

/** Button words (a key of the host's table) and icon (the shared next-steps table) per error action. */
export const ACTION_BUTTONS: Readonly<Record<ErrorActionId, { label: WebviewStringKey; icon: Codicon }>> = {
  setApiKey: { label: 'action.setApiKey', icon: NEXT_STEPS.setApiKey.icon },
  selectModel: { label: 'action.selectModel', icon: NEXT_STEPS.selectModel.icon },
  retry: { label: 'action.retry', icon: NEXT_STEPS.retry.icon },
  openSettings: { label: 'action.openSettings', icon: NEXT_STEPS.openSettings.icon },
  openLog: { label: 'action.openLog', icon: NEXT_STEPS.openLog.icon },
  dropOldestTurns: { label: 'action.dropOldestTurns', icon: NEXT_STEPS.dropOldestTurns.icon },
};

const STATE_LABELS: Partial<Record<string, WebviewStringKey>> = {
  stopped: 'state.stopped',
  interrupted: 'state.interrupted',
  error: 'state.error',
};

/**
 * A question longer than this (a big pasted file, a cut 5 MB selection) shows its beginning and a
 * "Show all" button: rendering and highlighting all of it would hold up opening the chat for seconds.
 */
export const PREVIEW_CHARS = 20_000;
const numberFormat = new Intl.NumberFormat('en-US');

/** Where a long question's preview ends: a line end at or before PREVIEW_CHARS. */
function previewLength(text: string): number {
  if (text.length <= PREVIEW_CHARS) return text.length;
  const lineEnd = text.lastIndexOf('\n', PREVIEW_CHARS);
  return lineEnd > PREVIEW_CHARS / 2 ? lineEnd + 1 : PREVIEW_CHARS;
}

function showAllBar(doc: Document, text: string, shown: number): HTMLElement {
  let lines = 1;
  for (let i = text.indexOf('\n', shown); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) lines++;
  const kb = Math.max(1, Math.round((text.length - shown) / 1024));
  return h(doc, 'div', { class: 'show-all' },
    h(doc, 'button', { type: 'button', class: 'link-button', 'data-testid': 'show-all', title: t('showAll.title') },
      icon(doc, 'unfold'), t(lines === 1 ? 'showAll.oneLine' : 'showAll.lines', numberFormat.format(lines), numberFormat.format(kb))));
}

/** "anthropic/claude-sonnet-4.5 · 1,234 in (1,000 cached) · 56 out (20 reasoning) · ~$0.0042" */
export function formatMeta(view: MessageView): string {
  const parts: string[] = [];
  const u = view.usage;
  const n = (x: number): string => numberFormat.format(x);
  if (view.model) parts.push(view.model);
  if (u?.inputTokens !== undefined) {
    const cache = [u.cachedTokens ? t('meta.cached', n(u.cachedTokens)) : '', u.cacheWriteTokens ? t('meta.cacheWrite', n(u.cacheWriteTokens)) : ''].filter(Boolean);
    parts.push(cache.length ? t('meta.inputWithCache', n(u.inputTokens), cache.join(', ')) : t('meta.input', n(u.inputTokens)));
  }
  if (u?.outputTokens !== undefined) {
    parts.push(u.reasoningTokens ? t('meta.outputWithReasoning', n(u.outputTokens), n(u.reasoningTokens)) : t('meta.output', n(u.outputTokens)));
  }
  if (u?.costUsd !== undefined) parts.push(`~${formatUsd(u.costUsd)}`);
  return parts.join(' · ');
}

/** The footer's tooltip: what the cost is. */
function metaTitle(view: MessageView): string | undefined {
  const asOf = view.usage?.pricesAsOf;
  if (view.usage?.costUsd === undefined) return undefined;
  return asOf ? t('meta.costTitleAsOf', asOf) : t('meta.costTitle');
}

export class MessageEntries {
  private readonly entries = new Map<string, Entry>();
  /** Replies whose error message below offers Retry: they don't show a second one themselves. */
  private readonly retryBelow = new Set<string>();
  /** Code of bodies rendered with their highlighting left for later (see create / renderPending). */
  readonly laterHighlights: LaterHighlights;
  /** The beginnings of long messages shown end first (see create / renderPending). */
  readonly laterHeads: LaterHeads;

  constructor(
    private readonly doc: Document,
    private readonly options: MessageEntriesOptions,
  ) {
    this.laterHighlights = new LaterHighlights(doc);
    this.laterHeads = new LaterHeads(doc, this.laterHighlights);
  }

  get size(): number {
    return this.entries.size;
  }

  get(id: string): Entry | undefined {
    return this.entries.get(id);
  }

  clear(): void {
    this.entries.clear();
    this.retryBelow.clear();
    this.laterHighlights.clear();
    this.laterHeads.clear();
  }

  /** Adds a streamed delta to an assistant message. */
  append(entry: Entry, text?: string, thinking?: string): void {
    if (entry.pending) this.renderPending(entry);
    if (thinking) {
      entry.view.thinking = (entry.view.thinking ?? '') + thinking;
      this.ensureThinking(entry).appendData(thinking);
    }
    // Only a streaming reply grows; a finished one's text is not kept to extend.
    if (text && !entry.textDropped) {
      this.streamer(entry).append(text);
      entry.view.text += text;
    }
  }

  /** Renders the whole of a long question whose beginning is shown (its "Show all"). */
  expand(id: string): void {
    const entry = this.entries.get(id);
    if (!entry || entry.expanded) return;
    entry.expanded = true;
    entry.rendered = undefined;
    this.update(entry, entry.view);
  }

  /**
   * A new entry for `view`; a pending one is an empty shell until renderPending(). Not yet in the DOM.
   * `opening` (a conversation being opened): its code is highlighted through `laterHighlights`, and
   * a long message shows its end first (`laterHeads`).
   */
  create(view: MessageView, pending: boolean, opening = false): Entry {
    const doc = this.doc;
    const el = h(doc, 'article', {
      class: `message message-${view.role}`,
      'data-testid': 'message',
      'data-role': view.role,
      'data-id': view.id,
    });
    const label =
      view.role === 'user'
        ? h(doc, 'div', { class: 'message-author' }, icon(doc, 'account'), t('author.user'))
        : view.role === 'assistant'
          ? h(doc, 'div', { class: 'message-author' }, icon(doc, 'sparkle'), t('author.assistant'))
          : h(doc, 'div', { class: 'message-author' }, icon(doc, 'error'), t('author.error'));
    const body = h(doc, 'div', { class: view.role === 'error' ? 'message-body error-text' : 'message-body markdown' });
    const entry: Entry = { view: { ...view, text: '' }, el, body, pending };
    this.entries.set(view.id, entry);
    if (view.role === 'error' && view.replyTo && view.actions?.includes('retry')) {
      this.retryBelow.add(view.replyTo);
      this.entries.get(view.replyTo)?.el.querySelector(':scope > .message-footer [data-testid="retry"]')?.remove();
    }
    if (pending) {
      // An empty placeholder until its turn comes: less for the first frame to style and lay out.
      el.classList.add('pending');
      entry.label = label;
      entry.view = { ...view };
    } else {
      el.append(label, body);
      this.update(entry, view, opening);
    }
    return entry;
  }

  /** Brings an entry's DOM in line with `view`, touching only what changed. */
  update(entry: Entry, view: MessageView, opening = false): void {
    if (entry.pending) {
      entry.view = { ...view };
      this.renderPending(entry);
      return;
    }
    const { el, body } = entry;
    const doc = this.doc;

    if (view.role === 'assistant') el.setAttribute('data-state', view.state ?? 'done');
    else el.removeAttribute('data-state');

    // notice
    let notice = el.querySelector<HTMLElement>(':scope > [data-testid="notice"]');
    if (view.notice) {
      if (!notice) {
        notice = h(doc, 'div', { class: 'notice', 'data-testid': 'notice', role: 'note' });
        el.insertBefore(notice, el.children[1] ?? null);
      }
      if (notice.textContent !== view.notice) notice.replaceChildren(icon(doc, 'info'), doc.createTextNode(view.notice));
    } else notice?.remove();

    // status of a streaming reply (e.g. a retry's wait), announced politely
    let status = el.querySelector<HTMLElement>(':scope > [data-testid="reply-status"]');
    if (view.role === 'assistant' && view.state === 'streaming' && view.status) {
      if (!status) {
        status = h(doc, 'div', { class: 'reply-status', 'data-testid': 'reply-status', role: 'status' });
        el.insertBefore(status, body);
      }
      if (status.textContent !== view.status) status.replaceChildren(icon(doc, 'sync'), doc.createTextNode(view.status));
    } else status?.remove();

    // thinking (assistant only; plain text, collapsed)
    if (view.role === 'assistant' && view.thinking) {
      const text = this.ensureThinking(entry);
      if (text.data !== view.thinking) text.data = view.thinking;
    } else {
      el.querySelector(':scope > [data-testid="thinking"]')?.remove();
      entry.thinkingText = undefined;
    }

    // body
    if (view.role === 'error') {
      if (body.textContent !== view.text) body.textContent = view.text;
    } else if (view.role === 'assistant' && (view.state === 'streaming' || entry.renderer)) {
      const renderer = this.streamer(entry);
      renderer.setText(view.text);
      if (view.state !== 'streaming') {
        renderer.finish();
        // The DOM is now a one-shot render of the text: let the renderer go (its parsed parts and
        // highlight cache held the reply's text twice more, for every streamed reply of the session).
        entry.renderer = undefined;
        entry.rendered = textKey(view.text);
      }
    } else if (entry.rendered !== textKey(view.text)) {
      const shown = view.role === 'user' && !entry.expanded ? previewLength(view.text) : view.text.length;
      const codeActions = view.role === 'assistant';
      const onHeadRendered = () => {
        if (codeActions) this.options.onReplyRendered?.(entry); // the head's file references too
      };
      if (!(opening && shown === view.text.length && this.laterHeads.renderTail(body, view.text, codeActions, onHeadRendered))) {
        body.replaceChildren(htmlFragment(doc, renderMarkdown(view.text.slice(0, shown), codeActions, undefined, opening)));
        if (opening) this.laterHighlights.add(body);
      }
      if (shown < view.text.length) body.append(showAllBar(doc, view.text, shown));
      entry.rendered = textKey(view.text);
    }
    // what was attached to a question (chips, not the contents)
    el.querySelector(':scope > .attachment-chips')?.remove();
    if (view.role === 'user' && view.attachments?.length) body.after(chipList(doc, view.attachments, false));
    if (view.role === 'assistant') {
      body.setAttribute('aria-live', 'polite');
      body.setAttribute('aria-busy', view.state === 'streaming' ? 'true' : 'false');
    }

    // footer: meta, state, retry (assistant); actions (error)
    el.querySelector(':scope > .message-footer')?.remove();
    if (view.role === 'assistant' && view.state !== 'streaming') {
      const footer = h(doc, 'div', { class: 'message-footer' });
      const meta = formatMeta(view);
      const title = metaTitle(view);
      if (meta) footer.append(h(doc, 'span', { class: 'meta', 'data-testid': 'meta', ...(title ? { title } : {}) }, meta));
      const stateLabel = STATE_LABELS[view.state ?? 'done'];
      if (stateLabel) footer.append(h(doc, 'span', { class: `state-label state-${view.state}` }, t(stateLabel)));
      if ((view.state === 'interrupted' || view.state === 'error' || view.state === 'stopped') && !this.retryBelow.has(view.id)) {
        footer.append(
          h(doc, 'button', { type: 'button', class: 'link-button', 'data-testid': 'retry', title: t('retry.title'), 'aria-label': t('retry.label') },
            icon(doc, 'refresh'), t('retry.label')),
        );
      }
      if (footer.childNodes.length) el.append(footer);
    } else if (view.role === 'error' && view.actions?.length) {
      const footer = h(doc, 'div', { class: 'message-footer error-actions' });
      for (const action of view.actions) {
        const a = ACTION_BUTTONS[action];
        footer.append(
          h(doc, 'button', { type: 'button', class: 'secondary-button', 'data-testid': 'error-action', 'data-action': action },
            icon(doc, a.icon), t(a.label)),
        );
      }
      el.append(footer);
    }
    placeMessageActions(doc, el, view, this.options.isBusy?.() ?? false);
    entry.textDropped = view.role === 'assistant' && view.state !== 'streaming';
    entry.view = entry.textDropped ? { ...view, text: '' } : { ...view };
    if (view.role === 'assistant' && view.state !== 'streaming') this.options.onReplyRendered?.(entry);
  }

  private streamer(entry: Entry): StreamingMarkdown {
    if (!entry.renderer) {
      // Seeded with what the message shows so far, so later deltas extend it.
      entry.body.replaceChildren();
      entry.rendered = undefined;
      entry.textDropped = false;
      entry.renderer = new StreamingMarkdown(entry.body, {
        schedule: this.options.schedule,
        eager: true,
        // Keep the bottom in view before the frame that shows the new text.
        onRender: () => this.options.onStreamRender(),
      });
      entry.renderer.setText(entry.view.text);
    }
    return entry.renderer;
  }

  private ensureThinking(entry: Entry): Text {
    if (entry.thinkingText) return entry.thinkingText;
    const doc = this.doc;
    const text = doc.createTextNode('');
    const details = h(
      doc,
      'details',
      { class: 'thinking', 'data-testid': 'thinking' },
      h(doc, 'summary', {}, icon(doc, 'lightbulb'), t('thinking.summary')),
      h(doc, 'div', { class: 'thinking-body' }, text),
    );
    entry.el.insertBefore(details, entry.body);
    entry.thinkingText = text;
    return text;
  }

  /** Renders an entry that was left for later (its code highlighted later still, through `laterHighlights`). */
  renderPending(entry: Entry): void {
    if (!entry.pending) return;
    entry.pending = false;
    entry.el.classList.remove('pending');
    entry.el.append(entry.label!, entry.body);
    entry.label = undefined;
    const view = entry.view;
    entry.view = { ...view, text: '' };
    this.update(entry, view, true);
  }
}

/**
 * What a body was rendered from, without keeping the text: its length and a 53-bit hash (cyrb53),
 * so a later update of the same text (usage, a file link) does not render it again.
 */
export function textKey(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${text.length}:${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}
