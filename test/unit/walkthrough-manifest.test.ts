import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WALKTHROUGH_ID, WALKTHROUGH_KEYS } from '../../src/walkthrough/walkthroughSteps';
import { localisedManifest } from './helpers/manifest';

const ROOT = join(__dirname, '..', '..');

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents: string[];
}

const manifest = localisedManifest<{
  name: string;
  publisher: string;
  contributes: { commands: Array<{ command: string }>; views: Record<string, Array<{ id: string }>>; walkthroughs: Array<{ id: string; title: string; steps: Step[] }> };
}>();

describe('walkthrough: "Get started with GMI" in package.json', () => {
  const walkthrough = manifest.contributes.walkthroughs.find((w) => `${manifest.publisher}.${manifest.name}#${w.id}` === WALKTHROUGH_ID);

  it('is contributed under the id the Get Started command opens', () => {
    assert.ok(walkthrough, `no walkthrough ${WALKTHROUGH_ID}`);
    assert.equal(walkthrough.title, 'Get started with GMI');
  });

  it('has a step completing on each context key the extension sets: key, model, question, refactor', () => {
    const events = walkthrough!.steps.flatMap((s) => s.completionEvents);
    for (const key of Object.values(WALKTHROUGH_KEYS)) assert.ok(events.includes(`onContext:${key}`), `no step completes on ${key}`);
    assert.deepEqual(
      walkthrough!.steps.slice(0, 4).map((s) => s.completionEvents),
      [[`onContext:${WALKTHROUGH_KEYS.keyStored}`], [`onContext:${WALKTHROUGH_KEYS.modelChosen}`], [`onContext:${WALKTHROUGH_KEYS.questionAsked}`], [`onContext:${WALKTHROUGH_KEYS.refactorApplied}`]],
      'in the order a new user takes them',
    );
  });

  it('every step has a button that runs a command that exists, and media that is packaged', () => {
    const contributed = new Set(manifest.contributes.commands.map((c) => c.command));
    const viewFocus = new Set(Object.values(manifest.contributes.views).flat().map((v) => `${v.id}.focus`));
    const vsixIgnore = readFileSync(join(ROOT, '.vscodeignore'), 'utf8');
    for (const step of walkthrough!.steps) {
      // A command link alone on its line is shown as a button.
      const button = /^\[[^\]]+\]\(command:([\w.]+)(\?[^)]*)?\)$/m.exec(step.description);
      assert.ok(button, `${step.id}: no button in "${step.description}"`);
      const command = button[1];
      assert.ok(contributed.has(command) || viewFocus.has(command) || command.startsWith('workbench.action.'), `${step.id}: ${command} is not a command`);
      assert.ok(step.media.markdown && existsSync(join(ROOT, step.media.markdown)), `${step.id}: media ${step.media.markdown}`);
      assert.match(vsixIgnore, /^!media\/\*\*$/m, 'media/ is packaged');
    }
  });
});
