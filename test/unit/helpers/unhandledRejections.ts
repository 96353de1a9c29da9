// Import this from a test file to make any unhandled promise rejection fail the suite: a stream
// that leaks a rejected promise is a bug even when every assertion passed. The hook is registered
// once (module cache) at the root level, so it checks after every test of the run.
const seen: unknown[] = [];
let installed = false;

export function installUnhandledRejectionGuard(): void {
  if (installed) return;
  installed = true;
  process.on('unhandledRejection', (reason) => {
    seen.push(reason);
  });
  afterEach(function checkUnhandledRejections() {
    if (seen.length === 0) return;
    const reasons = seen.splice(0).map((r) => (r instanceof Error ? r.stack ?? r.message : String(r)));
    throw new Error(`unhandled promise rejection(s) during this test:\n${reasons.join('\n')}`);
  });
}

installUnhandledRejectionGuard();
