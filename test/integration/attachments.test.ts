// Attachments in the real extension host: what the sidebar's composer attaches (Add context: the
// current file, the selection, the Problems; a pasted image) reaches the loopback GMI with its path
// and language, images as image parts on both wire formats; refusals are said, nothing lost.
// The webview's messages go through api.webviewMessage: validated on receipt like the view's own.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { chatRequests, lastUserText, openWorkspaceFile, revertDocument, selectLines, useLoopbackGmi } from './helpers';

const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('Attachments', () => {
  const t = useLoopbackGmi();
  const config = () => vscode.workspace.getConfiguration('gmi');
  const set = (key: string, value: unknown) => config().update(key, value, vscode.ConfigurationTarget.Global);

  /** Answers the Add context quick pick with the item of that choice. */
  function choose(choice: string): void {
    t.stubs.stub('showQuickPick', async (items: Array<{ choice?: string }>) => {
      const item = (await items).find((i) => i.choice === choice);
      assert.ok(item, `no "${choice}" item in the Add context pick`);
      return item;
    });
  }
  const body = () => chatRequests(t.fake).at(-1)!.body as { messages: Array<{ role: string; content: unknown }> };
  const lastUser = () => [...t.api.messages()].reverse().find((m) => m.role === 'user')!;

  afterEach(async () => {
    await set('model', undefined);
    for (const chip of t.api.composer().attachments) await t.api.webviewMessage({ type: 'removeAttachment', id: chip.id });
  });

  it('the current file and the selection reach the server as fenced blocks with path and language, and stay with the question', async () => {
    const editor = await openWorkspaceFile('src/sample.ts');
    choose('currentFile');
    await t.api.webviewMessage({ type: 'pickContext', via: 'button' });
    selectLines(editor, 10, 12);
    choose('selection');
    await t.api.webviewMessage({ type: 'pickContext', via: 'hash' });
    assert.deepEqual(t.api.composer().attachments.map((a) => [a.kind, a.name]), [['file', 'sample.ts'], ['selection', 'sample.ts:10-12']]);
    assert.equal(t.api.composer().notice, '');

    t.fake.enqueue({ text: 'Both look fine.' });
    await t.api.webviewMessage({ type: 'send', text: 'Any bugs here?' });
    await t.api.chatIdle();

    const sent = lastUserText(body());
    assert.match(sent, /^Any bugs here\?\n\nAttached file `src\/sample\.ts` \(typescript\):\n\n```typescript\n\/\/ A small file/);
    assert.match(sent, /export function total\(prices: number\[\]\): number \{/);
    assert.match(sent, /Attached selection `src\/sample\.ts` \(typescript, lines 10-12\):\n\n```typescript\nexport function greet\(name: string\): string \{\n  return 'Hello, ' \+ name \+ '!';\n\}\n```/);
    assert.deepEqual(t.api.composer().attachments, [], 'sending took the chips');
    const question = lastUser();
    assert.equal(question.text, 'Any bugs here?', 'the question shows what the user typed');
    assert.deepEqual(question.attachments?.map((a) => a.detail), ['src/sample.ts', 'src/sample.ts:10-12']);
  });

  it('open editors: the ones picked are attached, read from the editor (unsaved text included)', async () => {
    // A file of its own: an unsaved edit of src/sample.ts once outlived its revert on 1.100.3 and
    // shifted the lines of every later test that reads that file.
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const relative = `open-editor-${Date.now()}/note.ts`;
    const uri = vscode.Uri.joinPath(folder, relative);
    await vscode.workspace.fs.writeFile(uri, Buffer.from('// A note the attachments test opens.\nexport const note = 1;\n'));
    const editor = await openWorkspaceFile(relative);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// unsaved line\n'));
    try {
      let call = 0;
      t.stubs.stub('showQuickPick', async (items: Array<{ choice?: string; description?: string }>, options: { canPickMany?: boolean }) => {
        const list = await items;
        call++;
        if (call === 1) return list.find((i) => i.choice === 'openEditors');
        assert.equal(options.canPickMany, true);
        return list.filter((i) => i.description === relative);
      });
      await t.api.webviewMessage({ type: 'pickContext', via: 'button' });
      assert.deepEqual(t.api.composer().attachments.map((a) => a.name), ['note.ts']);
      t.fake.enqueue({ text: 'Seen.' });
      await t.api.webviewMessage({ type: 'send', text: 'Look at the open file.' });
      await t.api.chatIdle();
      assert.match(lastUserText(body()), /Attached file `open-editor-\d+\/note\.ts` \(typescript\):\n\n```typescript\n\/\/ unsaved line\n\/\/ A note the attachments test opens\./);
    } finally {
      await revertDocument(editor.document);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    }
  });

  it('the Problems of the current file are attached as a list with lines and messages', async () => {
    const editor = await openWorkspaceFile('src/sample.ts');
    const diagnostics = vscode.languages.createDiagnosticCollection('gmi-test');
    try {
      diagnostics.set(editor.document.uri, [new vscode.Diagnostic(new vscode.Range(3, 2, 3, 8), 'Prefer for…of over an index loop.', vscode.DiagnosticSeverity.Warning)]);
      choose('problems');
      await t.api.webviewMessage({ type: 'pickContext', via: 'button' });
      t.fake.enqueue({ text: 'Use for…of.' });
      await t.api.webviewMessage({ type: 'send', text: 'How do I fix these?' });
      await t.api.chatIdle();
      const sent = lastUserText(body());
      assert.match(sent, /Attached problems of `src\/sample\.ts` \(text\):\n\n```text\n/);
      assert.match(sent, /^4:3 warning: Prefer for…of over an index loop\.$/m);
    } finally {
      diagnostics.dispose();
    }
  });

  for (const [model, api] of [['anthropic/claude-sonnet-4.5', 'messages'], ['openai/gpt-4o', 'chatCompletions']] as const) {
    it(`a pasted image reaches the server as an image part (${api})`, async () => {
      await set('model', model);
      await t.api.webviewMessage({ type: 'addImage', name: 'screenshot.png', dataUrl: `data:image/png;base64,${PNG_1PX}` });
      assert.deepEqual(t.api.composer().attachments.map((a) => a.kind), ['image']);
      t.fake.enqueue({ text: 'A single pixel.' });
      await t.api.webviewMessage({ type: 'send', text: 'What is in this image?' });
      await t.api.chatIdle();

      const request = chatRequests(t.fake).at(-1)!;
      assert.ok(request.path.endsWith(api === 'messages' ? '/messages' : '/chat/completions'), request.path);
      const user = body().messages.filter((m) => m.role === 'user').at(-1)!;
      assert.ok(Array.isArray(user.content), 'the question is sent as parts');
      const parts = user.content as Array<Record<string, unknown>>;
      assert.deepEqual(parts[0], { type: 'text', text: 'What is in this image?' });
      // (Messages: the prompt cache may mark the last block with cache_control.)
      if (api === 'messages') assert.deepEqual({ type: parts[1].type, source: parts[1].source }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_1PX } });
      else assert.deepEqual(parts[1], { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_1PX}` } });
      assert.deepEqual(lastUser().attachments?.map((a) => [a.kind, a.name]), [['image', 'screenshot.png']]);
    });
  }

  it('a model without image input says so before sending; the question and the image stay', async () => {
    await set('model', 'deepseek-ai/DeepSeek-V3.2');
    await t.api.webviewMessage({ type: 'addImage', name: 'diagram.png', dataUrl: `data:image/png;base64,${PNG_1PX}` });
    assert.match(t.api.composer().notice, /deepseek-ai\/DeepSeek-V3\.2 does not read images/);
    const before = t.api.messages().length;
    await t.api.webviewMessage({ type: 'send', text: 'Explain the diagram.' });
    await t.api.chatIdle();
    assert.equal(chatRequests(t.fake).length, 0, 'nothing was sent');
    assert.equal(t.api.messages().length, before, 'no question was added');
    assert.match(t.api.composer().notice, /does not read images, so nothing was sent/);
    assert.deepEqual(t.api.composer().attachments.map((a) => a.name), ['diagram.png']);
  });

  it('refuses on the host what the webview should not have sent: bytes that are not the type they claim, a malformed URL', async () => {
    const jpegAsPng = `data:image/png;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4, 5, 6, 7, 8]).toString('base64')}`;
    await t.api.webviewMessage({ type: 'addImage', name: 'fake.png', dataUrl: jpegAsPng });
    assert.equal(t.api.composer().notice, 'fake.png is not the image type it says it is, so it was not attached.');
    const text = `data:image/png;base64,${Buffer.from('just some text, no image').toString('base64')}`;
    await t.api.webviewMessage({ type: 'addImage', name: 'notes.png', dataUrl: text });
    assert.equal(t.api.composer().notice, 'notes.png is not a PNG, JPEG, GIF or WebP image, so it was not attached.');
    await t.api.webviewMessage({ type: 'addImage', name: 'x.png', dataUrl: 'https://evil.example/x.png' });
    assert.deepEqual(t.api.composer().attachments, []);
    assert.ok(t.api.logLines().some((l) => /Ignored a malformed message from the chat view \(type: addImage\)/.test(l)));
  });

  it('an image picked from disk that is no image is refused with the reason', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const win = vscode.window as unknown as { showOpenDialog: unknown };
    const original = win.showOpenDialog;
    win.showOpenDialog = async () => [vscode.Uri.joinPath(folder, 'src', 'sample.ts')];
    try {
      choose('image');
      await t.api.webviewMessage({ type: 'pickContext', via: 'button' });
    } finally {
      win.showOpenDialog = original;
    }
    assert.equal(t.api.composer().notice, 'sample.ts is not a PNG, JPEG, GIF or WebP image, so it was not attached.');
    assert.deepEqual(t.api.composer().attachments, []);
  });
});
