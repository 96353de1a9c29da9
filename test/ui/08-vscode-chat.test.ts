// GMI Cloud's models in VS Code's own Chat view (the LanguageModelChatProvider, VS Code 1.104+; run
// on 1.139.1), driven the way a user does: a GMI model chosen in the Chat view's model picker answers
// a question streamed from the loopback server (Ask mode, Messages API), and in Agent mode a tool call
// from the server is run by VS Code, its result goes back to the server and the final answer is shown
// (Chat Completions API). Signed out of GitHub: "Chat: Manage Language Models" once starts VS Code's
// built-in chat extension (../shared/testing-in-vscode.md). On older VS Code the suite is skipped.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type { RecordedRequest } from '../fake-gmi/server';
import { approveHostIfAsked, closeQuickInput, ensureKey, runCommand, session, until, VSCODE_VERSION, vscodeAtLeast, WAIT, type Session } from './harness';

/** VS Code's chat takes extension models (`lm.registerLanguageModelChatProvider`) from 1.104 on. */
const PROVIDER_API = vscodeAtLeast('1.104');
const SKIP_REASON = `VS Code ${VSCODE_VERSION} has no language model provider API (VS Code's chat takes extension models from 1.104 on)`;

type Obj = Record<string, any>;

// ---------- VS Code's Chat view ----------

/** The Chat view (in the secondary side bar), not a chat editor. */
function chatView(page: Page): Locator {
  return page.locator('.part.auxiliarybar');
}

/** The Chat view's input (editor, mode picker, model picker). */
function chatInput(page: Page): Locator {
  return chatView(page).locator('.interactive-input-part').filter({ visible: true });
}

/** The newest response in the Chat view. */
function lastResponse(page: Page): Locator {
  return chatView(page).locator('.interactive-list .interactive-item-container.interactive-response').filter({ visible: true }).last();
}

/** The answer text a response shows (its Markdown parts), whitespace collapsed. */
async function answerText(response: Locator): Promise<string> {
  const parts = await response.locator('.chat-markdown-part.rendered-markdown').allInnerTexts();
  return normalize(parts.join(' '));
}

const normalize = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Starts VS Code's built-in chat extension, as a signed-out user does: "Chat: Manage Language
 * Models" (which also lists GMI Cloud's models by their readable names). Without it the Chat view
 * answers with a GitHub sign-in dialog. Ready once the mode picker offers the extension's Ask mode.
 */
async function startBuiltInChat(page: Page): Promise<void> {
  await runCommand(page, 'Chat: Manage Language Models');
  const models = page.locator('.models-widget');
  await models.locator('.models-model-row', { hasText: 'Claude Sonnet 4.5' }).first().waitFor({ state: 'visible', timeout: WAIT });
  // Escape closes it while it has the focus (its search box does at first).
  await until('the Language Models editor to close', async () => {
    if (await models.isVisible()) await page.keyboard.press('Escape');
    return models.waitFor({ state: 'hidden', timeout: 2000 }).then(() => true, () => false);
  });
  await openChatView(page);
  await pickMode(page, 'Agent');
}

async function openChatView(page: Page): Promise<void> {
  await closeMenus(page);
  await closeQuickInput(page);
  if (!(await chatInput(page).isVisible())) await runCommand(page, 'Chat: Open Chat');
  await chatInput(page).locator('.model-picker-name').waitFor({ state: 'visible', timeout: WAIT });
}

/** Closes the Chat view's mode or model picker if one is open (it would take the next click). */
async function closeMenus(page: Page): Promise<void> {
  const open = page.locator('.context-view .action-widget').filter({ visible: true });
  if ((await open.count()) === 0) return;
  await page.keyboard.press('Escape');
  await until('the picker to close', async () => (await open.count()) === 0);
}

/**
 * Picks a mode ("Ask", "Agent") in the Chat view's mode picker, once the built-in chat extension
 * offers its modes: until then (and for a moment after New Chat) the picker lists only a
 * placeholder Agent, and an open picker does not refresh, so it is reopened until Ask is listed.
 */
async function pickMode(page: Page, mode: string): Promise<void> {
  const picker = chatInput(page).locator('.chat-mode-picker-item a.action-label');
  const options = page.locator('.context-view .action-widget [role="menuitemcheckbox"]');
  await until("the built-in chat extension's modes (Ask among them) in the mode picker", async () => {
    await closeMenus(page);
    await picker.click({ timeout: 3000 });
    await options.first().waitFor({ state: 'visible', timeout: 3000 });
    const labels = await options.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    if (!labels.some((l) => l.startsWith('Ask,'))) return false;
    await page.getByRole('menuitemcheckbox', { name: new RegExp(`^${mode},`) }).click({ timeout: 3000 });
    return true;
  });
  await until(`the ${mode} mode`, async () => (await picker.getAttribute('aria-label')) === mode);
  await closeMenus(page);
}

/** Picks a model in the Chat view's model picker by its readable name, as a user types it into the picker's search. */
async function pickModel(page: Page, name: string): Promise<void> {
  const picker = chatInput(page).locator('.model-picker-name');
  const search = page.locator('.context-view .action-widget input.action-list-filter-input');
  // The option's label is "<name>, <context> context": GPT-4o must not take GPT-4o Mini.
  const option = page.getByRole('option', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')},`) });
  await until(`${name} in the model picker`, async () => {
    await closeMenus(page);
    await picker.click({ timeout: 3000 });
    await search.fill(name, { timeout: 3000 });
    await option.click({ timeout: 3000 });
    return true;
  });
  await until(`${name} chosen`, async () => (await picker.getAttribute('aria-label')) === `Models, ${name}`);
  await closeMenus(page);
}

/** A new, empty chat in the Chat view (its title bar's New Chat button). */
async function newChat(page: Page): Promise<void> {
  await openChatView(page);
  await chatView(page).locator('a.action-label.codicon-plus[aria-label^="New Chat"]').filter({ visible: true }).first().click();
  await until('an empty chat', async () => (await chatView(page).locator('.interactive-list .interactive-item-container').filter({ visible: true }).count()) === 0);
}

/** Types a question into the Chat view's input and sends it. */
async function askInChatView(s: Session, question: string): Promise<void> {
  const input = chatInput(s.page);
  await input.locator('.monaco-editor').first().click();
  await s.page.keyboard.type(question);
  await s.page.keyboard.press('Enter');
  // A fresh session's first request asks before the key goes to the loopback host.
  await approveHostIfAsked(s);
  await chatView(s.page).locator('.interactive-list .interactive-request').filter({ hasText: question }).waitFor({ state: 'visible', timeout: WAIT });
}

// ---------- what the fake server saw ----------

const chatPosts = (s: Session): RecordedRequest[] => s.fake.requests.filter((r) => r.method === 'POST');
const toolNames = (body: Obj): string[] => (body.tools ?? []).map((t: Obj) => t.name ?? t.function?.name);
/** For a failure message: the requests the server saw and how each ended. */
const serverSaw = (s: Session): string => s.fake.requests.map((r) => `${r.method} ${r.path} ${r.outcome ?? 'open'}`).join(', ') || 'nothing';

describe(`UI: VS Code's Chat view with GMI models (VS Code ${VSCODE_VERSION})`, () => {
  before(async function () {
    if (!PROVIDER_API) {
      console.log(`      skipped: ${SKIP_REASON}`);
      this.skip();
    }
    this.timeout(120_000);
    const s = await session();
    await ensureKey(s);
    await startBuiltInChat(s.page);
  });

  beforeEach(async () => {
    const s = await session();
    s.fake.reset();
  });

  it('a GMI model picked in the model picker answers in Ask mode, streamed from the loopback server', async () => {
    const s = await session();
    const page = s.page;
    await newChat(page);
    await pickMode(page, 'Ask');
    await pickModel(page, 'Claude Sonnet 4.5');

    const answer =
      'The loopback server streams this answer a few characters at a time, so the Chat view shows its beginning while the rest is still on the way, and the whole of it once the stream ends.';
    s.fake.enqueue({ text: answer, chunkSize: 4, delayMs: 80, usage: { input: 900, output: 45 } });
    await askInChatView(s, 'How do streamed answers reach the Chat view?');

    // Read the Chat view while the server streams: some of the answer is shown before the server
    // has written the rest (text read first, then the server's state, so "still streaming" holds).
    const response = lastResponse(page);
    let partial = '';
    let shown = '';
    await until('the whole answer in the Chat view', async () => {
      shown = await answerText(response);
      const request = chatPosts(s)[0];
      if (request && !request.outcome && shown && shown.length < answer.length) partial ||= shown;
      return shown === answer;
    }, 30_000).catch((err: Error) => {
      throw new Error(`${err.message}; the Chat view shows "${shown}"; the server saw: ${serverSaw(s)}`);
    });
    assert.ok(partial, 'part of the answer was shown while the server was still sending the rest');
    assert.ok(answer.startsWith(partial), `the partial answer is the answer's beginning: "${partial}"`);
    await until('the response to finish', async () => !(await response.getAttribute('class'))?.includes('chat-response-loading'));
    assert.match(await response.locator('.chat-footer-details').innerText(), /Claude Sonnet 4\.5/, 'the response names the model that answered');

    const posts = chatPosts(s);
    assert.equal(posts.length, 1, `one request to the server: ${posts.map((r) => r.path).join(', ')}`);
    assert.equal(posts[0].path, '/v1/messages', 'Claude models go to the Messages API');
    const body = posts[0].body as Obj;
    assert.equal(body.model, 'anthropic/claude-sonnet-4.5');
    assert.equal(body.stream, true);
    assert.match(JSON.stringify(body.messages), /How do streamed answers reach the Chat view\?/, 'the question reached the server');
  });

  it('Agent mode: a tool call from the server is run by VS Code, its result goes back, and the final answer is shown', async () => {
    const s = await session();
    const page = s.page;
    const file = path.join(s.folder, 'pantry-notes.txt');
    const content = 'Pantry notes: the jar on the left holds heliotrope-5821 saffron.';
    fs.writeFileSync(file, `${content}\n`);

    await newChat(page);
    await pickMode(page, 'Agent');
    await pickModel(page, 'GPT-4o');

    // First reply: only a call to VS Code's read-file tool (offered to models as `read_file`);
    // second reply: the answer, after VS Code has sent the tool's result.
    const final = 'The pantry notes say the left jar holds heliotrope-5821 saffron.';
    s.fake.enqueue(
      { text: '', toolCalls: [{ id: 'call_read_1', name: 'read_file', arguments: { filePath: file, startLine: 1, endLine: 20 } }] },
      { text: final, chunkSize: 6, delayMs: 20 },
    );
    await askInChatView(s, 'What does the jar on the left hold? See pantry-notes.txt.');

    const response = lastResponse(page);
    let shown = '';
    await until('the final answer in the Chat view', async () => {
      // Reading a workspace file needs no approval today; should VS Code ask, allow it as a user would.
      const allow = page.locator('.chat-confirmation-widget .monaco-button').filter({ hasText: /^(Allow|Continue)/ }).filter({ visible: true }).first();
      if (await allow.isVisible()) await allow.click();
      shown = await answerText(response);
      return shown.includes(final);
    }, 45_000).catch((err: Error) => {
      throw new Error(`${err.message}; the Chat view shows "${shown}"; the server saw: ${serverSaw(s)}`);
    });
    await until('the response to finish', async () => !(await response.getAttribute('class'))?.includes('chat-response-loading'));

    const posts = chatPosts(s);
    assert.equal(posts.length, 2, `two requests (tool call, then answer): ${posts.map((r) => r.path).join(', ')}`);
    const [first, second] = posts.map((r) => r.body as Obj);
    for (const r of posts) assert.equal(r.path, '/v1/chat/completions', 'GPT models go to the Chat Completions API');
    assert.equal(first.model, 'openai/gpt-4o');
    assert.equal(second.model, 'openai/gpt-4o');
    assert.ok(toolNames(first).includes('read_file'), `VS Code's agent offers read_file; it offered: ${toolNames(first).join(', ')}`);

    // The second request carries the call and its result, in Chat Completions' shape.
    const call = (second.messages as Obj[]).find((m) => m.role === 'assistant' && m.tool_calls?.length);
    assert.ok(call, 'the assistant turn with the tool call went back');
    assert.equal(call.tool_calls[0].id, 'call_read_1');
    assert.equal(call.tool_calls[0].function.name, 'read_file');
    assert.equal(JSON.parse(call.tool_calls[0].function.arguments).filePath, file);
    const result = (second.messages as Obj[]).find((m) => m.role === 'tool');
    assert.ok(result, `a tool result went back: ${JSON.stringify(second.messages).slice(-600)}`);
    assert.equal(result.tool_call_id, 'call_read_1');
    const resultText = typeof result.content === 'string' ? result.content : JSON.stringify(result.content);
    assert.ok(resultText.includes(content), `the tool result carries the file's content: ${resultText.slice(0, 400)}`);
  });
});
