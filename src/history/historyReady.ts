// The history opens after activation: activate() starts opening it and returns at once, and
// everything that needs it (the chat view's requests, sending, New Chat, Show History, Export)
// awaits one promise, `HistoryGate.ready`. Opening never rejects: a history that cannot be opened is
// reported once (with the next step) and the chat works in memory. No `vscode` import.
import { ConversationStore, type ConversationStoreOptions } from '../chat/conversationStore';
import * as l10n from '../l10n';
import type { NextStepId } from '../actions/nextSteps';
import { CurrentConversation } from './currentConversation';
import { nodeFileSystem, type HistoryFileSystem } from './fileSystem';
import { HistoryStore } from './historyStore';
import { migrateLegacyConversation, type KeyValueStore } from './migration';

export interface OpenedHistory {
  history: HistoryStore;
  current: CurrentConversation;
}

export interface OpenHistoryDeps {
  /** The folder holding this window's conversations (setup.ts: historyFolder). */
  dir: string;
  /** Workspace state, where the previous version kept its one conversation. */
  legacyState: KeyValueStore;
  fs?: HistoryFileSystem;
  log: { info(m: string): void; warn(m: string): void; error(m: string): void };
  /** Tells the user (once per window is the caller's business) what went wrong and the next step. */
  report(message: string, nextStep: NextStepId): void;
  /** For the conversation store's throttle (tests). */
  timers?: Omit<ConversationStoreOptions, 'onError'>;
}

/**
 * Opens the history (index checked against the files), migrates the old workspace-state
 * conversation once and restores the conversation shown last. Never rejects.
 */
export async function openChatHistory(deps: OpenHistoryDeps): Promise<OpenedHistory> {
  const { log } = deps;
  const started = performance.now();
  const fs = deps.fs ?? nodeFileSystem;
  const history = new HistoryStore(deps.dir, { fs, warn: (m) => log.warn(m) });
  const cannotOpen = (err: unknown) => {
    log.error(`Chat history: could not open ${history.dir}: ${describe(err)}`);
    deps.report(
      l10n.t('GMI could not open its chat history folder ({0}). The chat works in this window, but it is not saved; the GMI log names the folder.', describe(err)),
      'openLog',
    );
  };
  try {
    await history.open();
    const migrated = await migrateLegacyConversation(deps.legacyState, history, fs);
    for (const p of migrated.problems) log.warn(`Chat history (previous version): ${p}`);
    if (migrated.id) log.info(`Chat history: the conversation of the previous version is now in the history (${migrated.id}).`);
  } catch (err) {
    // The chat still works in memory; the old conversation stays in workspace state for the next start.
    cannotOpen(err);
  }
  const store = new ConversationStore({
    ...deps.timers,
    onError: (err) => {
      log.error(`Chat history: a conversation could not be saved: ${describe(err)}`);
      deps.report(l10n.t('GMI could not save the chat to disk ({0}). It stays open in this window; check the free space of the disk.', describe(err)), 'openLog');
    },
  });
  let current: CurrentConversation;
  try {
    const restored = await CurrentConversation.restore(history, store);
    for (const p of restored.problems) log.warn(`Chat history: ${p}`);
    current = restored.current;
  } catch (err) {
    cannotOpen(err);
    current = CurrentConversation.startEmpty(history, store);
  }
  const shown = current.conversation.messages.length;
  log.info(`Chat history: ${history.list().length} conversation(s), ${shown} message(s) shown; read in ${(performance.now() - started).toFixed(1)} ms.`);
  return { history, current };
}

/** The history behind one promise. `current` and `store` are for code that runs only after `ready` (they throw before). */
export class HistoryGate {
  readonly ready: Promise<OpenedHistory>;
  private value: OpenedHistory | undefined;

  constructor(open: () => Promise<OpenedHistory>) {
    this.ready = open().then((opened) => (this.value = opened));
  }

  /** Undefined until the history is open. */
  get opened(): OpenedHistory | undefined {
    return this.value;
  }

  get current(): CurrentConversation {
    return this.open().current;
  }

  get store(): HistoryStore {
    return this.open().history;
  }

  private open(): OpenedHistory {
    if (!this.value) throw new Error('The chat history is not open yet: await HistoryGate.ready first.');
    return this.value;
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
