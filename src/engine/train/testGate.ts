/**
 * A hold for the tests, so that none of them depends on how fast a machine trains: when the
 * environment names a gate folder (`RNN_LAB_TEST_GATE_DIR`, set only by the test launchers) and
 * it holds a file named after the experiment, a run of that experiment waits before each epoch
 * after the first it trains (a resumed run's too) until the file is removed or the run is
 * stopped. A test can then look at a run that is surely still training, whatever the machine's
 * speed. Unset, it costs nothing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export const TEST_GATE_ENV = 'RNN_LAB_TEST_GATE_DIR';

const POLL_MS = 20;

/** Resolves once the gate of `experiment` is open (or absent), or `shouldStop()` is true. */
export async function passTestGate(experiment: string, shouldStop: () => boolean): Promise<void> {
  const dir = process.env[TEST_GATE_ENV];
  if (!dir) return;
  const gate = join(dir, experiment);
  while (existsSync(gate) && !shouldStop()) await delay(POLL_MS);
}
