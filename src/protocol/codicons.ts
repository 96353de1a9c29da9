// The codicons the chat view shows. The build (scripts/codicons.mjs) ships only these: their rules
// of @vscode/codicons' codicon.css and their glyphs of its font (a few dozen of ~650). A name missing
// here is a type error where an icon is made; a name codicons does not have fails the build.
// No `vscode` import.

export const CHAT_VIEW_CODICONS = [
  'account', 'add', 'attach', 'check', 'chevron-down', 'close', 'copy', 'debug-stop', 'diff', 'edit', 'error',
  'file', 'file-media', 'fold-up', 'gear', 'hubot', 'info', 'insert', 'key', 'lightbulb', 'output', 'refresh',
  'selection', 'send', 'sparkle', 'sync', 'unfold', 'warning',
] as const;

export type Codicon = (typeof CHAT_VIEW_CODICONS)[number];
