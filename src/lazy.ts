// The heavy, rarely-first-needed parts of the host are separate bundles, required on first use so
// activation stays cheap: a user who never sends a request never parses undici or markdown-it.
// scripts/build.mjs turns these two requires into `require('./gmi.js')` / `require('./markdown.js')`;
// under tsx (unit tests) they load the sources directly.
type GmiModule = typeof import('./gmi/index');
type CodeBlocksModule = typeof import('./code/codeBlocks');

let gmi: GmiModule | undefined;
let codeBlocks: CodeBlocksModule | undefined;

/* eslint-disable @typescript-eslint/no-require-imports */
export function loadGmi(): GmiModule {
  gmi ??= require('./gmi/index') as GmiModule;
  return gmi;
}

export function loadCodeBlocks(): CodeBlocksModule {
  codeBlocks ??= require('./code/codeBlocks') as CodeBlocksModule;
  return codeBlocks;
}
/* eslint-enable @typescript-eslint/no-require-imports */
