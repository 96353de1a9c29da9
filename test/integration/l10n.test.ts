// Localisation inside the real extension host: VS Code resolves the manifest's %key% strings from
// package.nls.json (the commands VS Code lists carry English titles, no placeholder), and the
// webview's table built with the real vscode.l10n.t keeps its {0} templates for the webview.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseWebviewStrings, WEBVIEW_STRING_KEYS } from '../../src/protocol/webviewStrings';
import { buildWebviewStrings } from '../../src/views/webviewStrings';
import { errorFromResponse } from '../../src/gmi/errors';
import { extension } from './helpers';

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

describe('localisation', () => {
  const english = (): Record<string, string> => JSON.parse(fs.readFileSync(path.join(extension().extensionPath, 'package.nls.json'), 'utf8'));

  it('the manifest VS Code read has its words, not %keys%: name, command titles and category, views, settings', () => {
    const pkg = extension().packageJSON as {
      displayName: string;
      contributes: { commands: ContributedCommand[]; views: Record<string, Array<{ name: string }>>; configuration: { properties: Record<string, { description?: string; markdownDescription?: string }> } };
    };
    const nls = english();
    assert.equal(pkg.displayName, nls['extension.displayName']);
    assert.ok(pkg.contributes.commands.length >= 20, 'the GMI commands are contributed');
    for (const c of pkg.contributes.commands) {
      assert.doesNotMatch(`${c.category} ${c.title}`, /%/, `${c.command} shows a placeholder`);
      assert.equal(c.title, nls[`command.${c.command.replace(/^gmi\./, '')}.title`], c.command);
      assert.equal(c.category, 'GMI', c.command);
    }
    assert.equal(pkg.contributes.views.gmi[0].name, 'Chat');
    for (const [key, p] of Object.entries(pkg.contributes.configuration.properties)) {
      assert.doesNotMatch(p.description ?? p.markdownDescription ?? '', /^%/, key);
    }
  });

  it('every contributed command is registered once the extension runs', async () => {
    await extension().activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = (extension().packageJSON.contributes.commands as ContributedCommand[]).filter((c) => !registered.has(c.command));
    assert.deepEqual(missing, []);
  });

  it('activation points the translator of code without `vscode` (src/gmi, chat/, next steps) at vscode.l10n.t', async () => {
    await extension().activate();
    const translate = (globalThis as Record<symbol, unknown>)[Symbol.for('gmi-cloud.gmi-vscode.translate')];
    assert.equal(typeof translate, 'function');
    assert.equal((translate as (m: string, ...a: string[]) => string)('Try again in {0}.', '2 seconds'), 'Try again in 2 seconds.');
    assert.equal(errorFromResponse({ status: 401, body: '' }).message, 'GMI rejected the API key (HTTP 401). Set a new key with "GMI: Set API Key".');
  });

  it('the webview table from vscode.l10n.t: every key, English, templates left for the webview', () => {
    const table = buildWebviewStrings(vscode.l10n);
    assert.deepEqual(Object.keys(table).sort(), [...WEBVIEW_STRING_KEYS].sort());
    assert.equal(table['model.ariaLabel'], 'Model: {0}. Select Model');
    assert.equal(table['showAll.lines'], 'Show all — {0} more lines ({1} KB)');
    assert.equal(table['welcome.setApiKey'], 'Set API Key');
    assert.deepEqual(parseWebviewStrings(JSON.stringify(table)), table, 'the webview accepts it');
  });
});
