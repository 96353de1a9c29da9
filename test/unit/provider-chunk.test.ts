// The VS Code chat provider is its own chunk (dist/provider.js): activation parses only the small
// registration stub, and the provider's modules are reached only through src/lazy.ts. Checked on
// the module graph esbuild bundles (src/lazy.ts's requires are the chunks, as scripts/build.mjs
// makes them), so it holds whatever the bundle sizes are.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = path.join(__dirname, '..', '..');

/** The source files esbuild puts in the bundle of `entry` (lazy.ts's requires left out, as in the build), and lazy.ts's chunks. */
async function bundled(entry: string): Promise<{ sources: string[]; chunks: string[] }> {
  const result = await esbuild.build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'cjs',
    external: ['vscode'],
    logLevel: 'silent',
    plugins: [
      {
        name: 'lazy-chunks',
        setup(build) {
          build.onResolve({ filter: /^\.\// }, (args) => (args.importer.replace(/\\/g, '/').endsWith('src/lazy.ts') ? { path: args.path, external: true } : undefined));
        },
      },
    ],
  });
  const inputs = result.metafile.inputs;
  return {
    sources: Object.keys(inputs).filter((f) => f.startsWith('src/')),
    chunks: (inputs['src/lazy.ts']?.imports ?? []).filter((i) => i.external).map((i) => i.path),
  };
}

describe('provider: a chunk of its own', function () {
  this.timeout(30_000);

  it('activation (src/extension.ts) holds the registration stub, not the provider', async () => {
    const { sources, chunks } = await bundled('src/extension.ts');
    assert.ok(chunks.includes('./provider/index'), `lazy.ts loads the provider chunk (chunks: ${chunks.join(', ')})`);
    assert.ok(sources.includes('src/provider/registration.ts'));
    assert.ok(sources.includes('src/provider/vscodeLm.ts'));
    for (const heavy of [
      'src/provider/index.ts',
      'src/provider/chatProvider.ts',
      'src/provider/responder.ts',
      'src/provider/responseParts.ts',
      'src/provider/messageMapping.ts',
      'src/provider/tokenEstimate.ts',
      'src/provider/manageModels.ts',
      'src/usage/usageStatus.ts',
    ]) {
      assert.ok(!sources.includes(heavy), `${heavy} is parsed at activation`);
    }
  });

  it('the chunk (src/provider/index.ts) holds the provider', async () => {
    const { sources } = await bundled('src/provider/index.ts');
    for (const file of ['src/provider/chatProvider.ts', 'src/provider/responder.ts', 'src/provider/manageModels.ts', 'src/usage/usageStatus.ts']) assert.ok(sources.includes(file), file);
  });
});
