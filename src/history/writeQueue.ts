// One write at a time per file, and of the writes waiting for it only the newest runs: two renames
// racing could otherwise leave the older version in place, and a long chat saved on every change
// would queue megabytes of stale copies behind a slow disk.

interface Waiting {
  job: () => Promise<void>;
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class WriteQueue {
  private readonly slots = new Map<string, { running: Promise<void>; waiting?: Waiting }>();

  /**
   * Runs `job` for `key` once the write in progress for it (if any) is done. A job still waiting
   * when a newer one arrives is replaced; its caller's promise settles with the newer job.
   */
  run(key: string, job: () => Promise<void>): Promise<void> {
    const slot = this.slots.get(key);
    if (!slot) return this.start(key, job);
    if (slot.waiting) {
      slot.waiting.job = job;
      return slot.waiting.promise;
    }
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    slot.waiting = { job, promise, resolve, reject };
    return promise;
  }

  /**
   * Runs `job` after every job queued for `key` so far, replacing none of them: for a
   * read-change-write, which must see the newest version. Later jobs may still replace it.
   */
  async runAfterAll(key: string, job: () => Promise<void>): Promise<void> {
    // No await between the check and run(): nothing can be queued in between.
    while (this.slots.has(key)) await this.idle(key);
    return this.run(key, job);
  }

  /** Resolves when nothing is written or waiting for `key` (for every key when omitted). */
  async idle(key?: string): Promise<void> {
    for (;;) {
      const slots = key === undefined ? [...this.slots.values()] : [this.slots.get(key)].filter((s) => s !== undefined);
      if (slots.length === 0) return;
      await Promise.allSettled(slots.flatMap((s) => [s.running, ...(s.waiting ? [s.waiting.promise] : [])]));
    }
  }

  private start(key: string, job: () => Promise<void>): Promise<void> {
    const running = Promise.resolve().then(job);
    this.slots.set(key, { running });
    const next = (): void => {
      const slot = this.slots.get(key);
      const waiting = slot?.waiting;
      if (!waiting) {
        this.slots.delete(key);
        return;
      }
      this.start(key, waiting.job).then(waiting.resolve, waiting.reject);
    };
    running.then(next, next);
    return running;
  }
}
