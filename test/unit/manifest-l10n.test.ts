// The manifest is localisable: every string VS Code shows from package.json is a %key% with its
// English in package.nls.json (VS Code reads that file itself), no key is missing or unused, and the
// check finds a planted English string. The English seen in VS Code is what it was before the keys.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localise, localisedManifest, manifestL10nProblems, manifestStrings, rawManifest } from './helpers/manifest';

const ROOT = join(__dirname, '..', '..');

interface Commands {
  contributes: { commands: Array<{ command: string; title: string; category: string }>; configuration: { properties: Record<string, { enumDescriptions?: string[] }> } };
  displayName: string;
}

describe('manifest localisation (package.nls.json)', () => {
  it('every user-visible string is a %key% with a value, and every value is used', () => {
    assert.deepEqual(manifestL10nProblems(rawManifest(), manifestStrings()), []);
  });

  it('finds a planted English string, a key without a value and an unused value', () => {
    const planted = rawManifest() as unknown as Commands & Record<string, never>;
    const commands = planted.contributes.commands;
    commands[0] = { ...commands[0], title: 'Ask GMI' };
    commands[1] = { ...commands[1], category: '%command.nope%' };
    planted.contributes.configuration.properties['gmi.api'].enumDescriptions![1] = 'OpenAI-style';
    const strings = { ...manifestStrings(), 'unused.key': 'x' };
    assert.deepEqual(manifestL10nProblems(planted, strings), [
      'contributes.commands[0].title: "Ask GMI" is not a %key%',
      'contributes.commands[1].category: %command.nope% has no value in package.nls.json',
      'contributes.configuration.properties.gmi.api.enumDescriptions[1]: "OpenAI-style" is not a %key%',
      '%command.nope% has no value in package.nls.json',
      'package.nls.json: command.ask.title is not used by package.json',
      'package.nls.json: configuration.api.enumDescriptions.chatCompletions is not used by package.json',
      'package.nls.json: unused.key is not used by package.json',
    ]);
    assert.deepEqual(manifestL10nProblems({ ...rawManifest(), displayName: 'GMI' }, manifestStrings()), [
      'displayName: "GMI" is not a %key%',
      'package.nls.json: extension.displayName is not used by package.json',
    ]);
  });

  it('resolves to the English VS Code showed before: command titles under the GMI category', () => {
    const m = localisedManifest<Commands>();
    assert.equal(m.displayName, 'GMI for VS Code');
    const titles = new Map(m.contributes.commands.map((c) => [c.command, `${c.category}: ${c.title}`]));
    assert.equal(titles.get('gmi.setApiKey'), 'GMI: Set API Key');
    assert.equal(titles.get('gmi.fixProblem'), 'GMI: Fix Problem');
    for (const c of m.contributes.commands) assert.doesNotMatch(`${c.category}${c.title}`, /%/, c.command);
    assert.deepEqual(localise(['%command.category%', '50%', '%not a key%'], manifestStrings()), ['GMI', '50%', '%not a key%']);
  });

  it('package.nls.json is packaged', () => {
    assert.match(readFileSync(join(ROOT, '.vscodeignore'), 'utf8'), /^!package\.nls\.json$/m);
  });
});
