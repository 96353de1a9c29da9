// What the history list shows and how typing filters it. No `vscode` import: the quick pick in
// historyPicker.ts adds its buttons to these plain items.
import * as l10n from '../l10n';

/** One conversation as the index describes it (enough to list it without reading its file). */
export interface HistoryEntry {
  id: string;
  /** The user's own title, or the first question shortened. */
  title: string;
  /** True when the user renamed it (the first question no longer sets the title). */
  renamed?: boolean;
  /** The model of the newest reply. */
  model?: string;
  createdAt: number;
  updatedAt: number;
  messageCount: number;
  /** Bytes of the stored file. */
  size: number;
}

/** The title of a conversation without a question yet (a function: words are read after activation). */
export const untitled = (): string => l10n.t('New chat');
const TITLE_MAX = 60;

/** A title from the first question: its first line of prose, whitespace collapsed, shortened. */
export function titleFrom(question: string | undefined): string {
  if (!question) return untitled();
  const line = question
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0 && !/^(`{3,}|~{3,})/.test(l));
  const text = (line ?? '').replace(/\s+/g, ' ').trim();
  if (!text) return untitled();
  if (text.length <= TITLE_MAX) return text;
  const cut = text.slice(0, TITLE_MAX - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > TITLE_MAX / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

export interface HistoryItem {
  id: string;
  label: string;
  description: string;
  detail: string;
}

/** Label: the title; description: the model (and "current"); detail: date · messages · size. */
export function historyItem(entry: HistoryEntry, currentId: string | undefined, now: number): HistoryItem {
  const description = [entry.id === currentId ? l10n.t('current') : '', entry.model ?? ''].filter(Boolean).join(' · ');
  const messages = entry.messageCount === 1 ? l10n.t('1 message') : l10n.t('{0} messages', entry.messageCount);
  return { id: entry.id, label: entry.title, description, detail: `${formatDate(entry.updatedAt, now)} · ${messages} · ${formatSize(entry.size)}` };
}

const TIME: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };

/** "Today 14:05", "Yesterday 09:12", else the date and time in the user's locale. */
export function formatDate(ms: number, now: number): string {
  const date = new Date(ms);
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(new Date(now)) - day(date)) / 86_400_000);
  if (days === 0) return l10n.t('Today {0}', date.toLocaleTimeString(undefined, TIME));
  if (days === 1) return l10n.t('Yesterday {0}', date.toLocaleTimeString(undefined, TIME));
  return date.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', ...TIME });
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Lower-cased words of a filter; a conversation matches when it contains every one. */
export function filterWords(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

export interface HistoryMatch {
  entry: HistoryEntry;
  /** Where the words were found: all in the title, or (some) only in the messages. */
  in: 'title' | 'text';
}

/**
 * The entries matching `query`, in the given order: every word must occur (case-insensitive) in
 * the title or in the conversation's text. `textOf` returns the lower-cased text of a conversation,
 * or undefined while it is not loaded (such an entry matches by its title only).
 */
export function filterHistory(
  entries: readonly HistoryEntry[],
  query: string,
  textOf: (id: string) => string | undefined,
): HistoryMatch[] {
  const words = filterWords(query);
  if (words.length === 0) return entries.map((entry) => ({ entry, in: 'title' }));
  const out: HistoryMatch[] = [];
  for (const entry of entries) {
    const title = entry.title.toLowerCase();
    const missing = words.filter((w) => !title.includes(w));
    if (missing.length === 0) {
      out.push({ entry, in: 'title' });
      continue;
    }
    const text = textOf(entry.id);
    if (text !== undefined && missing.every((w) => text.includes(w))) out.push({ entry, in: 'text' });
  }
  return out;
}
