// The heavy, rarely-first-needed parts of the host are separate bundles, required on first use so
// activation stays cheap: a user who never sends a request never parses undici or markdown-it.
// scripts/build.mjs turns these requires into `require('./gmi.js')` / `require('./markdown.js')` /
// `require('./provider.js')`; under tsx (unit tests) they load the sources directly.
type GmiModule = typeof import('./gmi/index');
type CodeBlocksModule = typeof import('./code/codeBlocks');
type ProviderModule = typeof import('./provider/index');

let gmi: GmiModule | undefined;
let codeBlocks: CodeBlocksModule | undefined;
let provider: ProviderModule | undefined;

/* eslint-disable @typescript-eslint/no-require-imports */
export function loadGmi(): GmiModule {
  gmi ??= require('./gmi/index') as GmiModule;
  return gmi;
}

export function loadCodeBlocks(): CodeBlocksModule {
  codeBlocks ??= require('./code/codeBlocks') as CodeBlocksModule;
  return codeBlocks;
}

/** The VS Code chat provider (1.104+) and "GMI: Manage Models": src/provider/registration.ts. */
export function loadProvider(): ProviderModule {
  provider ??= require('./provider/index') as ProviderModule;
  return provider;
}
/* eslint-enable @typescript-eslint/no-require-imports */
