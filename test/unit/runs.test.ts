import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import type { EpochEvent, ProbeEvent, StartEvent, StepEvent, TrainEvent } from '../../src/engine/events';
import { readWeightsFile } from '../../src/engine/model/weightsFile';
import { runExperiment, type RunExperimentOptions } from '../../src/engine/runExperiment';
import { closeAbandonedRun } from '../../src/engine/runs/abandonedRun';
import { replaceFileAtomically } from '../../src/engine/io/files';
import { experimentDir, experimentSlug, RUN_FILES, runIdTime } from '../../src/engine/runs/layout';
import { iterateProbes, listRuns, readRun } from '../../src/engine/runs/runReader';
import { STALE_AFTER_MS } from '../../src/engine/runs/runLiveness';
import { RunWriter, SUMMARY_INTERVAL_MS } from '../../src/engine/runs/runWriter';
import { followEvents, RunFollower } from '../../src/engine/runs/runFollower';
import { isActiveStatus, recordedStatus } from '../../src/engine/runs/runStatus';
import { formatStepsPerSecond } from '../../src/engine/format';
import { summarizeEvents, type RunSummary } from '../../src/engine/runs/summary';
import type { ExperimentSpec } from '../../src/engine/spec/types';
import { sineSpec } from './sineSpec';

const scratch = mkdtempSync(join(tmpdir(), 'rnn-runs-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let folderCount = 0;
/** A fresh, empty experiment folder. */
function freshExperimentDir(): string {
  return join(scratch, `experiment-${++folderCount}`);
}

const spec = sineSpec('store test', {}, { epochs: 3 });

const start: StartEvent = {
  type: 'start',
  backend: 'cpu',
  dataset: 'sine, 48 train / 16 validation',
  cell: 'gru',
  parameterCount: 77,
  epochs: 3,
  stepsPerEpoch: 3,
  baseline: { loss: 0.9, label: 'last value' },
  time: 1_000,
};
const step = (epoch: number, n: number, stepsPerSecond = 50): StepEvent => ({
  type: 'step',
  epoch,
  step: n,
  loss: 1 / n,
  gradNorm: 0.5,
  learningRate: 0.01,
  stepsPerSecond,
});
const epochEnd = (epoch: number, validationLoss: number, validationAccuracy?: number): EpochEvent => ({
  type: 'epoch',
  epoch,
  trainLoss: validationLoss + 0.1,
  validationLoss,
  ...(validationAccuracy === undefined ? {} : { validationAccuracy }),
  baselineLoss: 0.9,
  elapsedMs: epoch * 100,
});
const probe: ProbeEvent = {
  type: 'probe',
  epoch: 3,
  samples: [0],
  inputs: [[[0.1], [0.2]]],
  layers: [{ layer: 0, quantities: { h: [[[0.5, 0.25]]] } }],
  gradientNorms: [[0.1, 0.2]],
  predictions: { kind: 'forecast', targets: [[1]], predictions: [[0.9]] },
};

/** A whole three-epoch run: validation losses 0.5, 0.3, 0.4. */
const completeRun: TrainEvent[] = [
  start,
  step(1, 1),
  step(1, 2),
  step(1, 3),
  epochEnd(1, 0.5),
  step(2, 4),
  step(2, 5),
  step(2, 6),
  epochEnd(2, 0.3),
  step(3, 7),
  step(3, 8),
  step(3, 9),
  epochEnd(3, 0.4),
  probe,
  { type: 'log', level: 'info', message: 'done' },
  { type: 'end', status: 'completed', time: 5_000 },
];

function createRun(dir: string, now?: () => number): RunWriter {
  return RunWriter.create({ experimentDir: dir, specPath: 'demo.rnn.json', spec, specChecksum: 'abc123', now });
}

function writeCompleteRun(dir: string): RunWriter {
  const writer = createRun(dir);
  completeRun.forEach((event) => writer.record(event));
  writer.saveWeights({ 'head.weight': { shape: [1, 2], data: new Float32Array([0.5, -0.25]) } });
  writer.close();
  return writer;
}

function readSummaryFile(runDir: string): RunSummary {
  return JSON.parse(readFileSync(join(runDir, RUN_FILES.summary), 'utf8')) as RunSummary;
}

describe('run layout', () => {
  test('the experiment folder is named after the spec file, filesystem-safe', () => {
    assert.equal(experimentSlug('specs/adding-problem.rnn.json'), 'adding-problem');
    assert.match(experimentSlug('specs/Adding Problem.rnn.json'), /^adding-problem-[0-9a-f]{8}$/);
    assert.match(experimentSlug('x/lstm_v2.json'), /^lstm_v2-[0-9a-f]{8}$/);
    assert.match(experimentSlug('x/???.rnn.json'), /^experiment-[0-9a-f]{8}$/);
    assert.equal(experimentDir('root', 'a/b/my-spec.rnn.json'), join('root', 'my-spec'));
  });

  test('run ids sort by start time and encode it', () => {
    const dir = freshExperimentDir();
    const writer = createRun(dir, () => Date.UTC(2026, 10, 25, 15, 32, 1, 500));
    writer.close();
    assert.match(writer.id, /^20261125-153201-[0-9a-f]{4}$/);
    assert.equal(runIdTime(writer.id), Date.UTC(2026, 10, 25, 15, 32, 1));
  });
});

describe('summary builder', () => {
  test('best validation loss is the minimum, with its epoch; the last one is kept too', () => {
    const summary = summarizeEvents({ id: 'r', experiment: 'e', startedAt: 0 }, completeRun, 10_000);
    assert.equal(summary.status, 'completed');
    assert.equal(summary.bestValidationLoss, 0.3);
    assert.equal(summary.bestEpoch, 2);
    assert.equal(summary.lastValidationLoss, 0.4);
    assert.equal(summary.epochsDone, 3);
    assert.equal(summary.steps, 9);
    assert.equal(summary.epochsPlanned, 3);
    assert.deepEqual(summary.baseline, start.baseline);
    assert.equal(summary.durationMs, 5_000);
    assert.equal(summary.endedAt, new Date(5_000).toISOString());
  });

  test('accuracy keeps its best and last; the steps/s median ignores outliers', () => {
    const events: TrainEvent[] = [
      start,
      step(1, 1, 5),
      step(1, 2, 100),
      step(1, 3, 120),
      step(1, 4, 110),
      step(1, 5, 9000),
      epochEnd(1, 0.6, 0.7),
      epochEnd(2, 0.5, 0.9),
      epochEnd(3, 0.55, 0.8),
    ];
    const summary = summarizeEvents({ id: 'r', experiment: 'e', startedAt: 0, pid: 42, hostname: 'h' }, events, 2_000);
    assert.equal(summary.status, 'running');
    assert.equal(summary.bestValidationAccuracy, 0.9);
    assert.equal(summary.lastValidationAccuracy, 0.8);
    assert.equal(summary.stepsPerSecondMedian, 110);
    assert.equal(summary.pid, 42, 'a running summary names its process');
    assert.equal(summary.durationMs, 2_000);
  });

  test('a diverged end keeps its reason and place; the process is no longer named', () => {
    const events: TrainEvent[] = [start, step(1, 1), { type: 'end', status: 'failed', reason: 'diverged', divergedAt: { epoch: 1, step: 2 }, time: 3_000 }];
    const summary = summarizeEvents({ id: 'r', experiment: 'e', startedAt: 0, pid: 42, hostname: 'h' }, events, 9_000);
    assert.equal(summary.status, 'failed');
    assert.equal(summary.reason, 'diverged');
    assert.deepEqual(summary.divergedAt, { epoch: 1, step: 2 });
    assert.equal(summary.pid, undefined);
    assert.equal(summary.bestValidationLoss, undefined);
  });
});

describe('run follower', () => {
  test('one state from the events: progress, finished epochs with their step, probes, the median steps/s', () => {
    const run = followEvents(completeRun);
    assert.equal(run.status, 'completed');
    assert.deepEqual([run.epoch, run.step, run.epochsDone, run.epochsPlanned, run.stepsPerEpoch], [3, 9, 3, 3, 3]);
    assert.deepEqual(
      run.finishedEpochs.map((e) => [e.epoch, e.step]),
      [
        [1, 3],
        [2, 6],
        [3, 9],
      ],
    );
    assert.deepEqual([run.bestValidationLoss, run.bestEpoch, run.lastValidationLoss], [0.3, 2, 0.4]);
    assert.deepEqual(run.probeEpochs, [3]);
    assert.equal(run.latestProbe, probe);
    assert.equal(run.stepsPerSecond, 50);
    assert.equal(run.endedAt, 5_000);
  });

  test("the queue's transitions and the events share one status: queued, running, stopping, then the end", () => {
    const run = new RunFollower('queued');
    assert.equal(isActiveStatus(run.status), true);
    run.setActive('running');
    run.setActive('stopping');
    run.add(start);
    assert.equal(run.status, 'stopping', 'a late start event does not undo a stop request');
    run.add({ type: 'end', status: 'stopped', reason: 'stopped by the user after epoch 1, step 3', time: 2_000 });
    assert.equal(run.status, 'stopped');
    assert.equal(run.finish('failed', 'the worker exited'), false, 'an ended run stays as its end event left it');
    run.setActive('running');
    assert.deepEqual([run.status, run.reason, isActiveStatus(run.status)], ['stopped', 'stopped by the user after epoch 1, step 3', false]);
    assert.equal(recordedStatus('stopping'), 'running');
    assert.equal(recordedStatus('cancelled'), 'stopped');
  });

  test('the median steps/s follows a long run past the thinning of its rates', () => {
    const run = new RunFollower();
    const rate = (n: number) => (n <= 3000 ? 100 : n <= 7000 ? 200 : 300);
    for (let n = 1; n <= 3000; n++) run.add(step(1, n, rate(n)));
    assert.equal(run.stepsPerSecond, 100);
    for (let n = 3001; n <= 10_000; n++) run.add(step(1, n, rate(n)));
    assert.equal(run.stepsPerSecond, 200);
    assert.equal(formatStepsPerSecond(219.4), 'median 219 steps/s');
    assert.equal(formatStepsPerSecond(undefined), undefined);
  });
});

describe('run store', () => {
  test('a run written through the store reads back whole', () => {
    const writer = writeCompleteRun(freshExperimentDir());
    const run = readRun(writer.dir);
    assert.deepEqual(run.problems, []);
    assert.equal(run.summary.id, writer.id);
    assert.equal(run.summary.status, 'completed');
    assert.equal(run.summary.bestValidationLoss, 0.3);
    assert.equal(run.summary.bestEpoch, 2);
    assert.equal(run.summary.specChecksum, 'abc123');
    assert.equal(run.summary.pid, undefined);
    assert.deepEqual(
      run.metrics,
      completeRun.filter((event) => event.type !== 'probe'),
    );
    assert.deepEqual([...iterateProbes(writer.dir)], [probe]);
    assert.deepEqual(run.spec, { specPath: 'demo.rnn.json', specChecksum: 'abc123', spec });
    assert.equal(run.hasWeights, true);
    const weights = readWeightsFile(join(writer.dir, RUN_FILES.weights));
    assert.deepEqual(weights['head.weight'].shape, [1, 2]);
    assert.deepEqual(Array.from(weights['head.weight'].data), [0.5, -0.25]);
  });

  test('writes leave exactly the run files, no temp files', () => {
    const writer = writeCompleteRun(freshExperimentDir());
    // annotations.json is written only when the user adds some, checkpoint.safetensors only by the trainer.
    const written = Object.values(RUN_FILES).filter((file) => file !== RUN_FILES.annotations && file !== RUN_FILES.checkpoint);
    assert.deepEqual(readdirSync(writer.dir).sort(), written.sort());
  });

  test('temp files left by a writer that died between writing and renaming are removed when the run is closed', () => {
    const writer = createRun(freshExperimentDir());
    const dead = `.${RUN_FILES.summary}.${2 ** 22 + 99}-1.tmp`;
    const live = `.${RUN_FILES.annotations}.${process.ppid}-3.tmp`;
    writeFileSync(join(writer.dir, dead), '{"half":');
    writeFileSync(join(writer.dir, live), '{"being written by a live process":');
    writer.close();
    const files = readdirSync(writer.dir);
    assert.ok(!files.includes(dead), "the dead writer's temp file is gone");
    assert.ok(files.includes(live), "a live process's temp file is left to it");
  });

  test('a failed atomic replace keeps the old file and leaves no temp file', () => {
    const dir = join(scratch, 'atomic');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, 'file.json');
    writeFileSync(path, 'old');
    assert.throws(() =>
      replaceFileAtomically(path, (tempPath) => {
        writeFileSync(tempPath, 'half');
        throw new Error('disk full');
      }),
    );
    assert.equal(readFileSync(path, 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir), ['file.json']);
  });

  test('while running, the summary is rewritten at epoch ends and otherwise at most every few seconds', () => {
    let now = 1_000_000;
    const writer = createRun(freshExperimentDir(), () => now);
    writer.record(start);
    assert.equal(readSummaryFile(writer.dir).dataset, start.dataset, 'rewritten at the start');
    writer.record(step(1, 1));
    now += SUMMARY_INTERVAL_MS / 2;
    writer.record(step(1, 2));
    assert.equal(readSummaryFile(writer.dir).steps, 0, 'not rewritten within the interval');
    now += SUMMARY_INTERVAL_MS;
    writer.record(step(1, 3));
    assert.equal(readSummaryFile(writer.dir).steps, 3, 'rewritten once the interval passed');
    writer.record(epochEnd(1, 0.5));
    const summary = readSummaryFile(writer.dir);
    assert.equal(summary.epochsDone, 1, 'rewritten at the epoch end');
    assert.equal(summary.status, 'running');
    assert.equal(summary.pid, process.pid);
    writer.close();
    assert.equal(readRun(writer.dir).summary.status, 'running', 'this process is alive, so the run still counts as running');
  });

  test('a run killed mid-write reads as interrupted, with its metrics', () => {
    const dir = freshExperimentDir();
    const child = join(scratch, 'killed-run.ts');
    const store = resolve(__dirname, '../../src/engine/runs/runWriter.ts');
    writeFileSync(
      child,
      `
      const { appendFileSync } = require('node:fs');
      const { join } = require('node:path');
      const { RunWriter } = require(${JSON.stringify(store)});
      const events = ${JSON.stringify(completeRun.slice(0, 7))};
      const writer = RunWriter.create({ experimentDir: ${JSON.stringify(dir)}, specPath: 'demo.rnn.json', spec: ${JSON.stringify(spec)}, specChecksum: 'abc123' });
      for (const event of events) writer.record(event);
      appendFileSync(join(writer.dir, 'metrics.jsonl'), '{"type":"step","epoch":2,"st');
      process.kill(process.pid, 'SIGKILL');
      `,
    );
    const result = spawnSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(result.signal, 'SIGKILL', result.stderr);

    const [listed] = listRuns(dir);
    assert.equal(listed.status, 'interrupted');
    assert.match(listed.reason ?? '', /pid \d+\) is gone/);
    assert.equal(listed.pid, undefined);
    const run = readRun(join(dir, listed.id));
    assert.equal(run.summary.status, 'interrupted');
    assert.equal(run.summary.bestValidationLoss, 0.5, 'the summary written at the epoch end survives');
    assert.deepEqual(run.metrics, completeRun.slice(0, 7));
    assert.deepEqual(run.problems, ['metrics.jsonl: the last line was cut short and is skipped']);
  });

  test('a truncated last line is skipped; a corrupt middle line is reported', () => {
    const writer = writeCompleteRun(freshExperimentDir());
    const metricsPath = join(writer.dir, RUN_FILES.metrics);
    const lines = readFileSync(metricsPath, 'utf8').split('\n');
    lines[2] = '{"type":"step", garbage';
    writeFileSync(metricsPath, `${lines.join('\n')}{"type":"log","lev`);
    const run = readRun(writer.dir);
    const expected = completeRun.filter((event) => event.type !== 'probe');
    assert.deepEqual(run.metrics, [...expected.slice(0, 2), ...expected.slice(3)]);
    assert.deepEqual(run.problems, ['metrics.jsonl: skipped corrupt line(s) 3', 'metrics.jsonl: the last line was cut short and is skipped']);
  });

  test('a corrupt or missing summary is rebuilt from the metrics; an empty folder is reported', () => {
    const dir = freshExperimentDir();
    const finished = writeCompleteRun(dir);
    writeFileSync(join(finished.dir, RUN_FILES.summary), '{"status": "compl');
    const unfinished = createRun(dir);
    completeRun.slice(0, 5).forEach((event) => unfinished.record(event));
    unfinished.close();
    rmSync(join(unfinished.dir, RUN_FILES.summary));
    mkdirSync(join(dir, '20200101-000000-dead'));

    const runs = listRuns(dir);
    assert.equal(runs.length, 3);
    const byId = new Map(runs.map((summary) => [summary.id, summary]));

    const rebuiltFinished = byId.get(finished.id)!;
    assert.equal(rebuiltFinished.status, 'completed', 'the end event is in the metrics');
    assert.equal(rebuiltFinished.bestValidationLoss, 0.3);
    assert.equal(rebuiltFinished.experiment, spec.name, 'named from spec.json');
    assert.equal(rebuiltFinished.specChecksum, 'abc123');

    const rebuiltUnfinished = byId.get(unfinished.id)!;
    assert.equal(rebuiltUnfinished.status, 'interrupted');
    assert.match(rebuiltUnfinished.reason ?? '', /summary\.json is missing or unreadable; rebuilt from metrics\.jsonl/);
    assert.equal(rebuiltUnfinished.bestValidationLoss, 0.5);

    const empty = byId.get('20200101-000000-dead')!;
    assert.equal(empty.status, 'interrupted');
    assert.equal(empty.epochsDone, 0);
    assert.equal(empty.startedAt, '2020-01-01T00:00:00.000Z');
    assert.deepEqual(readRun(join(dir, empty.id)).problems, ['summary.json is missing or unreadable', 'spec.json is missing or unreadable']);
  });

  test('runs are listed newest first; a missing experiment folder lists none', () => {
    const dir = freshExperimentDir();
    const base = Date.UTC(2026, 0, 1);
    for (const offset of [60_000, 0, 120_000]) {
      createRun(dir, () => base + offset).close();
    }
    const started = listRuns(dir).map((summary) => Date.parse(summary.startedAt) - base);
    assert.deepEqual(started, [120_000, 60_000, 0]);
    assert.deepEqual(listRuns(join(scratch, 'no-such-experiment')), []);
  });

  test('a running run on another host is interrupted only once its summary is stale', () => {
    const dir = freshExperimentDir();
    const writer = createRun(dir);
    writer.close();
    const summary = readSummaryFile(writer.dir);
    const updatedAt = Date.parse(summary.updatedAt);
    writeFileSync(join(writer.dir, RUN_FILES.summary), JSON.stringify({ ...summary, hostname: 'elsewhere', pid: 1 }));
    assert.equal(listRuns(dir, updatedAt + STALE_AFTER_MS - 1)[0].status, 'running');
    const stale = listRuns(dir, updatedAt + STALE_AFTER_MS + 1)[0];
    assert.equal(stale.status, 'interrupted');
    assert.match(stale.reason ?? '', /elsewhere/);
  });

  test('a cut-short probe line is skipped and reported', () => {
    const dir = freshExperimentDir();
    const writer = writeCompleteRun(dir);
    appendFileSync(join(writer.dir, RUN_FILES.probes), '{"type":"probe","epo');
    const problems = { corruptLines: [] as number[], truncatedTail: false };
    assert.deepEqual([...iterateProbes(writer.dir, problems)], [probe]);
    assert.equal(problems.truncatedTail, true);
  });
});

describe('runExperiment', () => {
  const specPath = join(scratch, 'orchestrated.rnn.json');
  const quick: ExperimentSpec = { ...spec, training: { ...spec.training, epochs: 1 } };
  const run = (options: Partial<RunExperimentOptions>) =>
    runExperiment({ spec: quick, specPath, runsRoot: join(scratch, 'orchestrated'), backend: 'cpu', resourcesDir: scratch, ...options });

  test('records every event, saves the weights and returns the final summary', async () => {
    const seen: TrainEvent[] = [];
    const { runDir, summary } = await run({ onEvent: (event) => seen.push(event) });
    assert.equal(summary.status, 'completed');
    assert.equal(summary.epochsDone, 1);
    assert.deepEqual(readSummaryFile(runDir), summary);
    const record = readRun(runDir);
    // Compared as JSON: keys whose value is undefined are not stored.
    assert.deepEqual(record.metrics, JSON.parse(JSON.stringify(seen.filter((event) => event.type !== 'probe'))));
    assert.equal([...iterateProbes(runDir)].length, seen.filter((event) => event.type === 'probe').length);
    assert.equal(seen.at(-1)?.type, 'end', 'the end comes last');
    assert.equal(record.hasWeights, true);
    assert.equal(record.spec?.specChecksum, summary.specChecksum);
  });

  test('a stop request ends the run as stopped, with its weights', async () => {
    const { runDir, summary } = await run({ shouldStop: () => true });
    assert.equal(summary.status, 'stopped');
    assert.equal(readRun(runDir).hasWeights, true);
  });

  test('a data error fails the run with its message and keeps the folder', async () => {
    const csv: ExperimentSpec = { ...quick, data: { type: 'csv', path: 'missing.csv', columns: [], target: 'y', window: 5, horizon: 1, validationSplit: 0.2 } };
    const { runDir, summary } = await run({ spec: csv });
    assert.equal(summary.status, 'failed');
    assert.match(summary.reason ?? '', /missing\.csv/);
    const record = readRun(runDir);
    assert.equal(record.summary.status, 'failed');
    assert.equal(record.hasWeights, false);
    assert.deepEqual(
      record.metrics.map((event) => event.type),
      ['end'],
    );
  });

  test('initial weights are read from the file model.init names, relative to the spec', async () => {
    const first = await run({});
    const init = join('orchestrated', experimentSlug(specPath), first.summary.id, RUN_FILES.weights);
    const second = await run({ spec: { ...quick, model: { ...quick.model, init } } });
    assert.equal(second.summary.status, 'completed');
    const missing = await run({ spec: { ...quick, model: { ...quick.model, init: 'no-such-weights.json' } } });
    assert.equal(missing.summary.status, 'failed');
    assert.match(missing.summary.reason ?? '', /no-such-weights\.json/);
  });
});

describe('closing an abandoned run (a crashed worker)', () => {
  test('marks it failed with the reason, after a line cut short, keeping its metrics', () => {
    const writer = createRun(freshExperimentDir());
    writer.record(start);
    writer.record(step(1, 1));
    writer.record(step(1, 2));
    appendFileSync(join(writer.dir, RUN_FILES.metrics), '{"type":"step","ep');
    assert.equal(readRun(writer.dir).summary.status, 'running', 'this process still owns it');
    const summary = closeAbandonedRun(writer.dir, 'failed', 'the training worker ran out of memory');
    const record = readRun(writer.dir);
    assert.equal(summary.status, 'failed');
    assert.equal(record.summary.status, 'failed');
    assert.equal(record.summary.reason, 'the training worker ran out of memory');
    assert.equal(record.summary.pid, undefined);
    assert.deepEqual(
      record.metrics.map((e) => e.type),
      ['start', 'step', 'step', 'end'],
    );
  });

  test('its duration runs until it was closed, not just until its summary was last written', () => {
    let now = 1_000_000;
    const writer = createRun(freshExperimentDir(), () => now);
    writer.record(start);
    now += 1000;
    writer.record(step(1, 1));
    const summary = closeAbandonedRun(writer.dir, 'failed', 'the training worker crashed', now + 60_000);
    assert.equal(summary.durationMs, 61_000);
    assert.equal(readRun(writer.dir).summary.durationMs, 61_000);
  });
});
