// Soak: 500 streamed requests in a row through GmiClient (loopback), then 50 at once. Heap after GC
// stays within 10 MB of the start, no socket is left open, no MaxListenersExceededWarning, every
// reply is exactly what the server sent. Sizes are asserted, times are not. The run needs
// `global.gc`: in-process when mocha runs with --expose-gc, otherwise in a `node --expose-gc` child.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { runSoak, type SoakResult } from './fixtures/soak';
import './helpers/unhandledRejections';

const MB = 1024 * 1024;

function runInChild(): Promise<SoakResult> {
  const script = path.join(__dirname, 'fixtures', 'soak.ts');
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', '--require', 'tsx/cjs', script],
      { cwd: path.join(__dirname, '..', '..'), maxBuffer: 16 * MB, timeout: 170_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`soak child failed: ${err.message}\n${stderr}`));
        const line = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(JSON.parse(line) as SoakResult);
        } catch {
          reject(new Error(`soak child printed no JSON result:\n${stdout}\n${stderr}`));
        }
      },
    );
  });
}

describe('reliability: soak', function () {
  this.timeout(180_000);
  let result: SoakResult;

  before(async () => {
    result = typeof (globalThis as { gc?: unknown }).gc === 'function' ? await runSoak() : await runInChild();
  });

  it('ran 500 sequential and 50 concurrent streams', () => {
    assert.equal(result.sequential, 500);
    assert.equal(result.concurrent, 50);
  });

  it('every reply was exactly what the server sent (sequential and concurrent)', () => {
    assert.deepEqual(result.failures, []);
  });

  it('heap after GC is within 10 MB of the start', () => {
    const growth = result.heapEndBytes - result.heapStartBytes;
    assert.ok(growth < 10 * MB, `heap grew by ${(growth / MB).toFixed(2)} MB (${result.heapStartBytes} → ${result.heapEndBytes})`);
  });

  it('keeps at most one connection pair (plus one closing) open between sequential requests', () => {
    // Client and server sockets live in the same process, so one keep-alive connection counts 2.
    assert.ok(result.maxOpenSockets <= 4, `${result.maxOpenSockets} sockets open between requests`);
  });

  it('leaves no socket or server open after close', () => {
    assert.equal(result.socketsAfterClose, 0);
    assert.equal(result.serversAfterClose, 0);
  });

  it('emits no MaxListenersExceededWarning (nor any other warning)', () => {
    assert.deepEqual(result.warnings, []);
  });
});
