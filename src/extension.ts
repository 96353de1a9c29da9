// Wiring only: creates the services and registers commands and views. Each capability lives in its
// own module; nothing heavy (network client, markdown parser) is loaded until first use.
import * as vscode from 'vscode';
import { NEXT_STEPS } from './actions/nextSteps';
import type { GmiExtensionApi } from './api';
import { ApiKeyStore } from './auth/apiKeyStore';
import { HostApproval } from './auth/hostApproval';
import { toAttachmentView } from './attachments/attachment';
import { pickContext } from './attachments/contextPicker';
import { PendingAttachments } from './attachments/pendingAttachments';
import { ChatService, type PreparedRequest, type RequestBlocked } from './chat/chatService';
import { AskCommands } from './commands/askCommands';
import { CodeActions } from './commands/codeActions';
import { openLink } from './commands/openLink';
import { requestOptions } from './config/requestPolicy';
import { affectsGmi, readSettings } from './config/settings';
import { Connection } from './connection';
import { modelCapabilities } from './gmi/catalog';
import { GenerateCommands } from './generate/generateCommands';
import { showCurrentIn } from './history/currentConversation';
import { branchTitle, HistoryCommands } from './history/historyCommands';
import { HistoryGate } from './history/historyReady';
import { openHistory } from './history/setup';
import { useTranslator } from './l10n';
import { loadGmi } from './lazy';
import { Log } from './log';
import { ModelService } from './models/modelService';
import { PROBLEM_DOCUMENTS, ProblemCodeActions } from './problems/problemCodeActions';
import { ProblemCommands } from './problems/problemCommands';
import type { ErrorActionId } from './protocol/messages';
import { registerProvider } from './provider/registration';
import { RefactorService } from './refactor/refactorService';
import { CommitMessageCommand } from './scm/commitMessage';
import { ChatViewProvider } from './views/chatViewProvider';
import { toMessageView } from './views/messageView';
import { tryRefactor } from './walkthrough/tryRefactor';
import { WalkthroughProgress } from './walkthrough/walkthroughProgress';

let gate: HistoryGate | undefined;

export function activate(context: vscode.ExtensionContext): GmiExtensionApi {
  const started = performance.now();
  // Where activation's time goes, in its log line (the budget is 15 ms; the parts differ by VS Code version).
  const parts: string[] = [];
  let partStart = started;
  const part = (name: string) => {
    const now = performance.now();
    parts.push(`${name} ${(now - partStart).toFixed(1)}`);
    partStart = now;
  };
  // Words from code without `vscode` (the GMI client's errors, notices, next steps) in VS Code's language.
  useTranslator((message, ...args) => vscode.l10n.t(message, ...args));
  const log = new Log();
  part('log');
  const keys = new ApiKeyStore(context.secrets, log);
  const connection = new Connection(keys, new HostApproval(context.globalState), log, `gmi-vscode/${context.extension.packageJSON.version}`);
  part('key, connection');
  const models = new ModelService(context.globalState, connection, log);
  part('models');

  // The history's file reads (and the migration from workspace state) start now, and activation
  // does not wait for them: whatever needs the conversation awaits `historyGate.ready`.
  const opening = openHistory(context, log);
  let historyCommands: HistoryCommands | undefined;
  const historyGate = new HistoryGate(async () => {
    const opened = await opening;
    historyCommands = new HistoryCommands({ history: opened.history, current: opened.current, chat, reveal: () => view.reveal(), log });
    context.subscriptions.push(opened.current, showCurrentIn(view, opened.current));
    return opened;
  });
  gate = historyGate;
  /** The history commands, once the history is open. */
  const commandsWhenReady = async (): Promise<HistoryCommands> => {
    await historyGate.ready;
    return historyCommands!;
  };
  const restoring = () => (historyGate.opened ? undefined : historyGate.ready);
  part('history started');

  const chat = new ChatService({
    get conversation() {
      return historyGate.current.conversation;
    },
    ready: restoring,
    log,
    saved: () => historyGate.current.flush(),
    keepBranch: async (json, why) => void (await historyGate.current.saveCopy(json, (title) => branchTitle(title, why))),
    prepare: async (): Promise<PreparedRequest | RequestBlocked> => {
      const conn = await connection.connect(true);
      if ('blocked' in conn) return conn;
      const s = readSettings();
      const limits = models.limits(s.model);
      return {
        client: conn.client,
        model: s.model,
        api: loadGmi().resolveApi(s.model, s.api),
        system: s.systemPrompt.trim() || undefined,
        ...requestOptions(s),
        contextLength: limits.contextLength,
        maxOutputTokens: Math.min(s.maxTokens ?? limits.maxOutputTokens, limits.maxOutputTokens),
        imageInput: modelCapabilities(s.model).imageInput,
      };
    },
  });

  const refactor = new RefactorService(connection, models, log);
  const codeActions = new CodeActions(() => historyGate.current.conversation, refactor, log);
  const runAction = async (action: ErrorActionId): Promise<void> => {
    if (action === 'retry' || action === 'dropOldestTurns') {
      await historyGate.ready;
      const lastError = [...historyGate.current.conversation.messages].reverse().find((m) => m.role === 'error' || m.state === 'interrupted');
      if (lastError) await chat.retry(lastError.id, { dropOldestTurns: action === 'dropOldestTurns' });
      return;
    }
    const step = NEXT_STEPS[action];
    if (step.command) await vscode.commands.executeCommand(step.command, ...(step.args ?? []));
  };
  const view = new ChatViewProvider(
    context.extensionUri,
    () => historyGate.current.conversation,
    () => chat,
    context.workspaceState,
    {
      historyReady: restoring,
      hasApiKey: () => keys.hasKey(),
      model: () => readSettings().model,
      imageInput: (model) => modelCapabilities(model).imageInput,
      pickContext,
      runAction,
      codeAction: (kind, id, block) => codeActions.run(kind, id, block),
      openLink: (href) => openLink(href, log),
    },
    log,
    new PendingAttachments(),
  );
  const ask = new AskCommands(chat, view, models);
  const problems = new ProblemCommands({ refactor, models, sendToChat: (m, notice) => ask.sendToChat(m, notice), log });
  const generate = new GenerateCommands({ refactor, models, log });
  const commitMessage = new CommitMessageCommand({ connection, models, log });
  const walkthrough = new WalkthroughProgress(context.globalState, () => keys.hasKey(), log);
  void walkthrough.announce();
  part('services');

  // GMI models in VS Code's own chat, where this VS Code has the provider API (1.104+); loaded on first use.
  const chatModels = registerProvider(context, { keys, connection, models, log });
  part("VS Code's chat");

  const command = (id: string, fn: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, fn);
  context.subscriptions.push(
    log,
    keys,
    connection,
    models,
    refactor,
    view,
    vscode.window.registerWebviewViewProvider(ChatViewProvider.viewId, view, { webviewOptions: { retainContextWhenHidden: false } }),
    chat.onDidChangeBusy((busy) => view.setBusy(busy)),
    keys.onDidChange(() => {
      connection.reset();
      void view.refreshSettings();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!affectsGmi(e)) return;
      models.refreshStatus();
      void view.refreshSettings();
    }),
    command('gmi.setApiKey', async () => {
      const key = await keys.prompt();
      if (key) void vscode.window.showInformationMessage(vscode.l10n.t('GMI API key saved in Secret Storage.'));
    }),
    command('gmi.clearApiKey', async () => {
      await keys.clear();
      void vscode.window.showInformationMessage(vscode.l10n.t('GMI API key removed.'));
    }),
    command('gmi.selectModel', async () => {
      const picked = await models.pick();
      if (picked) walkthrough.mark('modelChosen');
      return picked;
    }),
    command('gmi.manageModels', () => chatModels.manageModels()),
    command('gmi.ask', () => ask.ask()),
    command('gmi.explainSelection', () => ask.explain()),
    command('gmi.refactorSelection', () => refactor.refactorSelection()),
    command('gmi.applyRefactor', () => refactor.apply()),
    command('gmi.discardRefactor', () => refactor.discard()),
    command('gmi.newChat', async () => (await commandsWhenReady()).newChat()),
    command('gmi.showHistory', async () => (await commandsWhenReady()).showHistory()),
    command('gmi.exportChat', async () => (await commandsWhenReady()).exportChat()),
    command('gmi.showLog', () => log.show()),
    vscode.languages.registerCodeActionsProvider(PROBLEM_DOCUMENTS, new ProblemCodeActions(), ProblemCodeActions.metadata),
    command('gmi.fixProblem', (uri, diagnostic) => problems.fix(uri, diagnostic)),
    command('gmi.explainProblem', (uri, diagnostic) => problems.explain(uri, diagnostic)),
    command('gmi.documentSelection', () => generate.document()),
    command('gmi.writeTests', () => generate.writeTests()),
    command('gmi.generateCommitMessage', (sourceControl) => commitMessage.generate(sourceControl)),
    command('gmi.stopCommitMessage', () => commitMessage.stop()),
    command('gmi.openWalkthrough', () => walkthrough.open()),
    command('gmi.tryRefactor', () => tryRefactor()),
    walkthrough,
    keys.onDidChange((has) => walkthrough.keyStored(has)),
    chat.onDidChangeBusy((busy) => busy && walkthrough.mark('questionAsked')),
    refactor.onDidApply(() => walkthrough.mark('refactorApplied')),
  );

  part('views and commands');
  log.info(`Activated in ${(performance.now() - started).toFixed(1)} ms (${parts.join(', ')} ms).`);
  return {
    historyReady: async () => void (await historyGate.ready),
    messages: () => historyGate.current.conversation.messages.map(toMessageView),
    conversations: () => historyGate.store.list().map((e) => ({ id: e.id, title: e.title, messageCount: e.messageCount, current: e.id === historyGate.current.id })),
    currentConversationId: () => historyGate.current.id,
    historyPicker: () => historyCommands?.pickerHandle,
    openConversation: async (id) => (await commandsWhenReady()).open(id),
    chatIdle: () => chat.idle(),
    webviewMessage: (raw) => view.receive(raw),
    composer: () => ({ attachments: view.pending.list.map(toAttachmentView), notice: view.composerNotice }),
    logLines: () => log.lines(),
    modelStatus: () => models.status(),
    refactorPending: () => refactor.pending,
    storedState: () => ({ global: dumpMemento(context.globalState), workspace: dumpMemento(context.workspaceState) }),
  };
}

function dumpMemento(memento: vscode.Memento): Record<string, unknown> {
  return Object.fromEntries(memento.keys().map((k) => [k, memento.get(k)]));
}

/** Saves a reply that is still streaming (it loads as "interrupted" next time). */
export async function deactivate(): Promise<void> {
  await gate?.opened?.current.flush();
}
