// Waiting on states in the page, never on time: one timeout for every UI wait, and a poll.

/** Timeout for UI waits: generous, since they wait on states, not on time. */
export const WAIT = 20_000;

/** Polls an async condition (a state in the page) until it holds. */
export async function until(what: string, check: () => Promise<boolean>, timeout = WAIT): Promise<void> {
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}${last ? ` (${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
