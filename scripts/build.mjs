// Builds the bundles:
//   dist/extension.js  host wiring (Node, CommonJS, `vscode` external), loaded at activation
//   dist/gmi.js        the GMI client (undici, eventsource-parser), required on first request
//   dist/markdown.js   markdown-it code-block extraction, required on first Insert/Apply/Refactor
//   dist/provider.js   the VS Code chat provider, required when VS Code first asks for GMI models
//   dist/webview.js    the chat view script (browser)
// plus dist/codicons/ (the glyphs and CSS rules of the icons the webview shows: scripts/codicons.mjs). `--production` minifies, no sourcemaps.
import * as esbuild from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chatViewCodicons } from './codicons.mjs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const common = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  legalComments: 'none',
  logLevel: 'info',
};

// src/lazy.ts requires these sources; in the bundle they become the sibling chunks.
const lazyChunks = {
  './gmi/index': './gmi.js',
  './code/codeBlocks': './markdown.js',
  './provider/index': './provider.js',
};
const lazyChunksPlugin = {
  name: 'lazy-chunks',
  setup(build) {
    build.onResolve({ filter: /^\.\/(gmi\/index|code\/codeBlocks|provider\/index)$/ }, (args) =>
      args.importer.replace(/\\/g, '/').endsWith('src/lazy.ts') ? { path: lazyChunks[args.path], external: true } : undefined,
    );
  },
};

// undici ships its HTTP parser twice as base64 wasm (SIMD and plain, ~72 KB each) and picks SIMD
// when the CPU has it, which every CPU VS Code runs on does; keep one copy.
const llhttpOncePlugin = {
  name: 'llhttp-once',
  setup(build) {
    build.onResolve({ filter: /llhttp\/llhttp-wasm\.js$/ }, (args) => ({
      path: path.resolve(args.resolveDir, args.path.replace('llhttp-wasm.js', 'llhttp_simd-wasm.js')),
    }));
  },
};

// markdown-it imports only decodeHTML / decodeHTMLStrict from `entities`; its index also pulls in the
// encoder tables (~23 KB). Point it at the decoder alone.
const entitiesDecodeOnlyPlugin = {
  name: 'entities-decode-only',
  setup(build) {
    build.onResolve({ filter: /^entities$/ }, (args) =>
      /markdown-it/.test(args.importer) ? { path: path.resolve('node_modules/entities/lib/esm/decode.js') } : undefined,
    );
  },
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] };

const targets = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', plugins: [lazyChunksPlugin] },
  { ...node, entryPoints: ['src/gmi/index.ts'], outfile: 'dist/gmi.js', plugins: [llhttpOncePlugin] },
  { ...node, entryPoints: ['src/code/codeBlocks.ts'], outfile: 'dist/markdown.js', plugins: [entitiesDecodeOnlyPlugin] },
  { ...node, entryPoints: ['src/provider/index.ts'], outfile: 'dist/provider.js', plugins: [lazyChunksPlugin] },
  {
    ...common,
    entryPoints: ['src/webview/main.ts'],
    outfile: 'dist/webview.js',
    platform: 'browser',
    format: 'iife',
    plugins: [entitiesDecodeOnlyPlugin],
    target: 'es2022',
  },
];

mkdirSync('dist/codicons', { recursive: true });
// A production build leaves no source maps behind from an earlier development build.
if (production) for (const t of targets) rmSync(`${t.outfile}.map`, { force: true });
const codicons = await chatViewCodicons();
writeFileSync('dist/codicons/codicon.css', codicons.css);
writeFileSync('dist/codicons/codicon.ttf', codicons.ttf);

if (watch) {
  for (const options of targets) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  await Promise.all(targets.map((options) => esbuild.build(options)));
}
