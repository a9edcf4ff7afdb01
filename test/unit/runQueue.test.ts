import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { automaticParallelRuns, MAX_AUTOMATIC_PARALLEL_RUNS, parallelRuns, threadsPerRun } from '../../src/engine/resources/parallelRuns';
import { runQueued } from '../../src/engine/runs/runQueue';

const MB = 1024 * 1024;

/** A controllable item: it starts when the queue runs it and ends when `finish` is called. */
function recorder() {
  const log: string[] = [];
  const finishers = new Map<number, () => void>();
  let running = 0;
  let mostRunning = 0;
  const run = (item: string, index: number, started: () => void): Promise<string> => {
    log.push(`start ${item}`);
    running += 1;
    mostRunning = Math.max(mostRunning, running);
    started();
    return new Promise((resolve) =>
      finishers.set(index, () => {
        running -= 1;
        log.push(`end ${item}`);
        resolve(item.toUpperCase());
      }),
    );
  };
  return { log, finishers, run, mostRunning: () => mostRunning };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('run queue', () => {
  test('starts items in order, never more than the limit at once, and returns results in item order', async () => {
    const { log, finishers, run, mostRunning } = recorder();
    const done = runQueued(['a', 'b', 'c', 'd'], run, { limit: 2, shouldStop: () => false });
    await settle();
    assert.deepEqual(log, ['start a', 'start b']);
    finishers.get(1)!();
    await settle();
    assert.deepEqual(log, ['start a', 'start b', 'end b', 'start c']);
    finishers.get(0)!();
    await settle();
    finishers.get(3)!();
    finishers.get(2)!();
    assert.deepEqual(await done, ['A', 'B', 'C', 'D']);
    assert.equal(mostRunning(), 2);
    assert.deepEqual(
      log.filter((line) => line.startsWith('start')),
      ['start a', 'start b', 'start c', 'start d'],
    );
  });

  test('with a limit of 1 runs one item after the other', async () => {
    const { log, finishers, run, mostRunning } = recorder();
    const done = runQueued(['a', 'b'], run, { limit: 1, shouldStop: () => false });
    await settle();
    finishers.get(0)!();
    await settle();
    finishers.get(1)!();
    await done;
    assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b']);
    assert.equal(mostRunning(), 1);
  });

  test('the next item waits until the one before it has started', async () => {
    const log: string[] = [];
    const starts: (() => void)[] = [];
    const run = (item: string, _index: number, started: () => void) => {
      log.push(`start ${item}`);
      starts.push(started);
      return new Promise<string>(() => {});
    };
    void runQueued(['a', 'b'], run, { limit: 2, shouldStop: () => false });
    await settle();
    assert.deepEqual(log, ['start a']);
    starts[0]();
    await settle();
    assert.deepEqual(log, ['start a', 'start b']);
  });

  test('a stop request leaves the items not yet started out; the running ones end on their own', async () => {
    const { log, finishers, run } = recorder();
    let stop = false;
    const done = runQueued(['a', 'b', 'c'], run, { limit: 2, shouldStop: () => stop });
    await settle();
    stop = true;
    finishers.get(0)!();
    finishers.get(1)!();
    assert.deepEqual(await done, ['A', 'B', undefined]);
    assert.deepEqual(log, ['start a', 'start b', 'end a', 'end b']);
  });
});

describe('parallel runs', () => {
  test('automatic: one run per core, at least 1 and at most the cap', () => {
    assert.equal(automaticParallelRuns(2), 2);
    assert.equal(automaticParallelRuns(0), 1);
    assert.equal(automaticParallelRuns(64), MAX_AUTOMATIC_PARALLEL_RUNS);
  });

  test('with threads per run set, one run per that many cores', () => {
    assert.equal(automaticParallelRuns(8, 2), 4);
    assert.equal(automaticParallelRuns(2, 4), 1);
    const common = { memoryLimitMb: 1024, knob: '--parallel', memoryKnob: '--memory-limit', machineBytes: 8192 * MB, cores: 4 };
    assert.deepEqual(parallelRuns({ ...common, requested: undefined, threadsPerRun: 2 }), { count: 2 });
    assert.deepEqual(parallelRuns({ ...common, requested: 3, threadsPerRun: 2 }), { count: 3 });
  });

  test("threads per run: the request, else the run's share of the cores among the runs that train together", () => {
    assert.equal(threadsPerRun(3, 2, 8), 3);
    assert.equal(threadsPerRun(undefined, 1, 2), 2);
    assert.equal(threadsPerRun(undefined, 2, 2), 1);
    assert.equal(threadsPerRun(undefined, 3, 8), 2);
    assert.equal(threadsPerRun(undefined, 4, 2), 1);
    assert.equal(threadsPerRun(0, 1, 4), 4);
  });

  test('a request that fits in memory is kept; 0 or none is automatic', () => {
    const common = { memoryLimitMb: 1024, knob: '--parallel', memoryKnob: '--memory-limit', machineBytes: 8192 * MB, cores: 4 };
    assert.deepEqual(parallelRuns({ ...common, requested: 3 }), { count: 3 });
    assert.deepEqual(parallelRuns({ ...common, requested: 0 }), { count: 4 });
    assert.deepEqual(parallelRuns({ ...common, requested: undefined }), { count: 4 });
  });

  test("more runs than the machine's memory holds at their limit are reduced, with the knobs named", () => {
    const result = parallelRuns({
      requested: 4,
      memoryLimitMb: 4096,
      knob: 'rnnLab.maxParallelRuns',
      memoryKnob: 'rnnLab.workerMemoryLimitMb',
      machineBytes: 10 * 1024 * MB,
    });
    assert.equal(result.count, 2);
    assert.match(result.reduced ?? '', /4 runs at once may use 16\.0 GB .*more than this machine's 10\.0 GB: training 2 at once/);
    assert.match(result.reduced ?? '', /rnnLab\.maxParallelRuns or rnnLab\.workerMemoryLimitMb/);
    assert.equal(parallelRuns({ requested: 2, memoryLimitMb: 4096, knob: 'k', memoryKnob: 'm', machineBytes: 1024 * MB }).count, 1);
  });
});
