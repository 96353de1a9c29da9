// The "Get started with GMI" walkthrough's identity and its steps' context keys (package.json's
// `walkthroughs` refers to them). No `vscode` import: a unit test checks the manifest against it.

/**
 * The "Get started with GMI" walkthrough's steps check themselves: each step's `completionEvents` is
 * `onContext:<key>` (package.json), and walkthroughProgress.ts pulses these keys when the user has
 * done the step (see there why a pulse).
 */
export const WALKTHROUGH_KEYS = {
  keyStored: 'gmi.walkthrough.keyStored',
  modelChosen: 'gmi.walkthrough.modelChosen',
  questionAsked: 'gmi.walkthrough.questionAsked',
  refactorApplied: 'gmi.walkthrough.refactorApplied',
} as const;

export type WalkthroughStep = keyof typeof WALKTHROUGH_KEYS;

/** The walkthrough's id as VS Code knows it (publisher.name#id). */
export const WALKTHROUGH_ID = 'gmi-cloud.gmi-vscode#gmi.getStarted';
