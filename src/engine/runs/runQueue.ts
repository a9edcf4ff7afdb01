/**
 * A queue that runs its items at most `limit` at a time and starts them in their order: the
 * points of a sweep, in grid order. Each item says when it has started (its run folder exists),
 * and the next starts only then, so that run folders are created, and sort, in grid order too.
 * A stop request leaves the items not yet started unstarted.
 */
export interface QueueOptions {
  /** The most items that run at once (at least 1). */
  limit: number;
  /** Polled before each start: true leaves every item not yet started out. */
  shouldStop: () => boolean;
}

/** Runs one item; it calls `started` once it has started (else the next item waits until it ends). */
export type QueuedRun<T, R> = (item: T, index: number, started: () => void) => Promise<R>;

/** Runs `run` for every item, at most `limit` at once, started in order; the results are in item order (undefined: not started). */
export async function runQueued<T, R>(items: readonly T[], run: QueuedRun<T, R>, options: QueueOptions): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = items.map(() => undefined);
  let next = 0;
  /** Resolves when the item started last has started. */
  let previousStarted: Promise<void> = Promise.resolve();
  const lane = async (): Promise<void> => {
    for (;;) {
      const waiting = previousStarted;
      await waiting;
      // Another lane started an item meanwhile: wait for that one instead.
      if (waiting !== previousStarted) continue;
      if (next >= items.length || options.shouldStop()) return;
      const index = next;
      next += 1;
      let started!: () => void;
      previousStarted = new Promise<void>((resolve) => (started = resolve));
      try {
        results[index] = await run(items[index], index, started);
      } finally {
        started();
      }
    }
  };
  const lanes = Math.max(1, Math.min(Math.floor(options.limit), items.length));
  await Promise.all(Array.from({ length: lanes }, lane));
  return results;
}
