// A throwaway certificate authority and a server certificate for 127.0.0.1 / localhost signed by
// it, generated at test time so nothing secret or expiring is checked in.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generate } from 'selfsigned';

export interface TestTls {
  /** The CA certificate (PEM): what a client must trust. */
  ca: string;
  /** Server private key and certificate (PEM), for `https.createServer` / `startFakeGmi({ tls })`. */
  key: string;
  cert: string;
}

export async function generateTestTls(): Promise<TestTls> {
  const now = new Date(Date.now() - 60_000); // a little slack for clock skew
  const later = new Date(now.getTime() + 24 * 3600_000);
  const ca = await generate([{ name: 'commonName', value: 'GMI test CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: later,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: now,
    notAfterDate: later,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
    ],
  });
  return { ca: ca.cert, key: server.private, cert: server.cert };
}

/** Writes `pem` to a fresh temp file (for NODE_EXTRA_CA_CERTS); `remove()` deletes it. */
export function writeTempPem(pem: string): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gmi-test-ca-'));
  const file = path.join(dir, 'ca.pem');
  fs.writeFileSync(file, pem);
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
