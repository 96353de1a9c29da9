import type { HistoryPickerHandle } from './history/historyPicker';
import type { AttachmentView, MessageView } from './protocol/messages';

/**
 * What `activate()` returns. Used by the integration tests (they run in the same extension host);
 * read-only views of state, no way to reach the key.
 */
export interface GmiExtensionApi {
  /**
   * Resolves once the chat history is open and its last conversation restored (activation does not
   * wait for it). Until then the functions about conversations below throw.
   */
  historyReady(): Promise<void>;
  /** The current conversation's messages, as the chat view shows them. */
  messages(): readonly MessageView[];
  /** This workspace's stored conversations, newest first. */
  conversations(): { id: string; title: string; messageCount: number; current: boolean }[];
  /** The id of the conversation the sidebar shows (it may not be stored yet: nothing asked). */
  currentConversationId(): string;
  /** The "GMI: Show Chat History" quick pick while it is open. */
  historyPicker(): HistoryPickerHandle | undefined;
  /** Opens a stored conversation in the sidebar, as picking it in the history does. */
  openConversation(id: string): Promise<boolean>;
  /** Resolves when no chat reply is streaming. */
  chatIdle(): Promise<void>;
  /**
   * Delivers a message as if the chat webview sent it, validated like one (Add context, images,
   * Send); resolves when the host has handled it (for Send: when the reply ended).
   */
  webviewMessage(raw: unknown): Promise<void>;
  /** The composer's pending attachments (as chips) and its notice (a refusal), as the view shows them. */
  composer(): { attachments: AttachmentView[]; notice: string };
  /** The last lines written to the GMI log (already redacted). */
  logLines(): readonly string[];
  /** The model's status bar item as shown (text and tooltip); undefined until it is shown, just after activation. */
  modelStatus(): { text: string; tooltip: string } | undefined;
  /** Whether a refactor proposal is waiting for Apply/Discard. */
  refactorPending(): boolean;
  /** Everything the extension keeps in global and workspace state (so tests can show the key is not there). */
  storedState(): { global: Record<string, unknown>; workspace: Record<string, unknown> };
}
