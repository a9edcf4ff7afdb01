import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { EngineKind } from '../../src/engine/engineKind';
import type { EpochEvent, StepEvent } from '../../src/engine/events';
import { readWeightsFile } from '../../src/engine/model/weightsFile';
import { resumeExperiment, runExperiment } from '../../src/engine/runExperiment';
import { readCheckpoint } from '../../src/engine/runs/checkpointFile';
import { RUN_FILES } from '../../src/engine/runs/layout';
import { iterateMetrics, iterateProbes, readRun } from '../../src/engine/runs/runReader';
import type { ExperimentSpec } from '../../src/engine/spec/types';
import { sineSpec } from './sineSpec';

const scratch = mkdtempSync(join(tmpdir(), 'rnn-resume-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const specPath = join(scratch, 'resume.rnn.json');

/** Two layers with dropout, so that the optimizer state, the shuffler and the dropout generator all matter. */
function resumeSpec(optimizer: ExperimentSpec['training']['optimizer'], schedule: ExperimentSpec['training']['schedule'] = null): ExperimentSpec {
  const spec = sineSpec('resume', { cell: 'lstm', layers: 2, hiddenSize: 6, dropout: 0.3 }, { epochs: 3, batchSize: 8, optimizer, momentum: 0.9, schedule });
  return { ...spec, probe: { ...spec.probe, everyEpochs: 1 } };
}

function train(spec: ExperimentSpec, engine: EngineKind, runsRoot: string, shouldStop?: () => boolean) {
  return runExperiment({ spec, specPath, runsRoot: join(scratch, runsRoot), backend: 'cpu', engine, resourcesDir: scratch, shouldStop });
}

/** The recorded losses: every step's, and every epoch's without its wall-clock time. */
function losses(runDir: string) {
  const events = [...iterateMetrics(runDir)];
  return {
    steps: events
      .filter((e): e is StepEvent => e.type === 'step')
      .map(({ epoch, step, loss, gradNorm, learningRate }) => ({ epoch, step, loss, gradNorm, learningRate })),
    epochs: events.filter((e): e is EpochEvent => e.type === 'epoch').map(({ elapsedMs: _, ...rest }) => rest),
  };
}

describe('checkpoints and resume', () => {
  const cases: [EngineKind, ExperimentSpec['training']['optimizer'], ExperimentSpec['training']['schedule']][] = [
    ['kernels', 'adam', null],
    ['tfjs', 'adam', null],
    ['kernels', 'sgd', null],
    ['tfjs', 'rmsprop', null],
    // The schedule goes on where it was: plateau's counters and the warm-up's epoch come from the checkpoint.
    ['kernels', 'adamw', { type: 'plateau', factor: 0.5, patience: 0 }],
    ['tfjs', 'adam', { type: 'cosine', warmupEpochs: 1, minLearningRate: 0 }],
  ];
  for (const [engine, optimizer, schedule] of cases) {
    const label = schedule ? `${optimizer} with a ${schedule.type} schedule` : optimizer;
    test(`${engine}, ${label}: a run stopped mid-epoch and resumed records the same losses and weights as one never stopped`, async () => {
      const spec = resumeSpec(optimizer, schedule);
      const whole = await train(spec, engine, `whole-${engine}-${optimizer}-${schedule?.type ?? 'constant'}`);
      assert.equal(whole.summary.status, 'completed');

      let polls = 0;
      // 6 steps an epoch: stop in the middle of the second.
      const stopped = await train(spec, engine, `stopped-${engine}-${optimizer}-${schedule?.type ?? 'constant'}`, () => ++polls > 9);
      assert.equal(stopped.summary.status, 'stopped');
      assert.equal(stopped.summary.epochsDone, 1);
      assert.equal(readCheckpoint(stopped.runDir).epoch, 1, 'the checkpoint of the last finished epoch');

      // Without an engine asked for, the run goes on with the one it was trained with.
      const resumed = await resumeExperiment({
        runDir: stopped.runDir,
        specPath,
        backend: 'cpu',
        engine: engine === 'tfjs' ? undefined : engine,
        resourcesDir: scratch,
      });
      assert.equal(resumed.runDir, stopped.runDir, 'the same run folder goes on');
      assert.equal(resumed.summary.status, 'completed', resumed.summary.reason);
      assert.equal(resumed.summary.epochsDone, 3);
      assert.deepEqual(losses(resumed.runDir), losses(whole.runDir));
      assert.deepEqual(readWeightsFile(join(resumed.runDir, RUN_FILES.weights)), readWeightsFile(join(whole.runDir, RUN_FILES.weights)));
      assert.deepEqual(
        [...iterateProbes(resumed.runDir)].map((probe) => probe.epoch),
        [1, 2, 3],
        'probes of the discarded part of epoch 2 are not kept twice',
      );
      const record = readRun(resumed.runDir);
      assert.deepEqual(record.problems, []);
      const starts = record.metrics.filter((event) => event.type === 'start');
      assert.equal(starts.length, 2);
      assert.deepEqual(
        starts.map((start) => start.type === 'start' && start.engine),
        [engine, engine],
      );
      assert.deepEqual(starts[1].type === 'start' && starts[1].resumedFrom && { ...starts[1].resumedFrom, durationMs: 0 }, {
        epoch: 1,
        step: 6,
        durationMs: 0,
      });
      assert.ok(
        record.metrics.some((event) => event.type === 'log' && /Resumed from the checkpoint after epoch 1 \(step 6\); the run had stopped/.test(event.message)),
      );
      assert.ok(record.summary.durationMs <= whole.summary.durationMs * 4 + 5000, 'the pause is not counted');
    });
  }

  test('only a stopped, interrupted or failed (not diverged) run with a checkpoint is resumed; a refusal changes nothing', async () => {
    const spec = resumeSpec('adam');
    const completed = await train({ ...spec, training: { ...spec.training, epochs: 1 } }, 'kernels', 'refusals');
    await assert.rejects(
      resumeExperiment({ runDir: completed.runDir, specPath, backend: 'cpu', resourcesDir: scratch }),
      /completed: there is nothing to resume/,
    );

    const stopped = await train(spec, 'kernels', 'refusals', () => true);
    rmSync(join(stopped.runDir, RUN_FILES.checkpoint));
    const before = readdirSync(stopped.runDir).map((name) => [name, readFileSync(join(stopped.runDir, name), 'utf8')]);
    await assert.rejects(
      resumeExperiment({ runDir: stopped.runDir, specPath, backend: 'cpu', resourcesDir: scratch }),
      new RegExp(`${RUN_FILES.checkpoint}: cannot resume from this checkpoint: it is missing`),
    );
    assert.deepEqual(
      readdirSync(stopped.runDir).map((name) => [name, readFileSync(join(stopped.runDir, name), 'utf8')]),
      before,
    );
    writeFileSync(join(stopped.runDir, RUN_FILES.checkpoint), '{"format":"rnn-lab-checkpoint","version":1,"epoch":1');
    await assert.rejects(
      resumeExperiment({ runDir: stopped.runDir, specPath, backend: 'cpu', resourcesDir: scratch }),
      /checkpoint\.safetensors: cannot resume from this checkpoint: it is unreadable/,
    );
  });

  test('a checkpoint is written at the start and at every epoch end; the run folder keeps no temp files', async () => {
    const spec = resumeSpec('adam');
    let polls = 0;
    const stopped = await train(spec, 'kernels', 'early', () => ++polls > 2);
    assert.equal(readCheckpoint(stopped.runDir).epoch, 0, 'stopped in epoch 1: the checkpoint of the start');
    assert.ok(!readdirSync(stopped.runDir).some((name) => name.endsWith('.tmp')));
    const resumed = await resumeExperiment({ runDir: stopped.runDir, specPath, backend: 'cpu', resourcesDir: scratch });
    assert.equal(resumed.summary.status, 'completed');
    assert.ok(existsSync(join(resumed.runDir, RUN_FILES.checkpoint)));
    assert.equal(readCheckpoint(resumed.runDir).epoch, 3);
  });
});
