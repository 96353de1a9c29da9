// Starts the fake GMI server in its own process, for the UI suite or manual runs:
//   npx tsx test/fake-gmi/cli.ts [--port 0] [--api-key KEY] [--tls-key key.pem --tls-cert cert.pem]
// Prints the base URL as the first line of stdout, then serves until SIGINT/SIGTERM.
import { readFileSync } from 'node:fs';
import { startFakeGmi } from './server';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const keyFile = arg('tls-key');
  const certFile = arg('tls-cert');
  const fake = await startFakeGmi({
    port: Number(arg('port') ?? 0),
    apiKey: arg('api-key'),
    tls: keyFile && certFile ? { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') } : undefined,
  });
  process.stdout.write(`${fake.baseUrl}\n`);
  const stop = (): void => {
    void fake.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`fake-gmi: ${String(err)}\n`);
  process.exit(1);
});
