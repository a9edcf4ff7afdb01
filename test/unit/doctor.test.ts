/** The training doctor's mechanics: when it speaks, what a run folder records, replaying old runs, and the stop of a diverging run. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { evidenceChart } from '../../src/charts/doctor';
import { renderSvg } from '../../src/charts/renderSvg';
import { diagnoseRunFolder } from '../../src/engine/doctor/diagnoseRun';
import { Doctor } from '../../src/engine/doctor/doctor';
import { applyFix, findingJsonPath, findingStillApplies, minimalReplacement } from '../../src/engine/doctor/specEdits';
import { lowerRateFix } from '../../src/engine/doctor/trainingRules';
import type { Finding } from '../../src/engine/doctor/types';
import type { FindingEvent, TrainEvent } from '../../src/engine/events';
import { runExperiment } from '../../src/engine/runExperiment';
import { RUN_FILES } from '../../src/engine/runs/layout';
import { loadSpecFile } from '../../src/engine/spec/load';
import type { ExperimentSpec } from '../../src/engine/spec/types';
import { RESOURCES_DIR, SUITE_DIR } from '../doctor/suite';

const runsRoot = mkdtempSync(join(tmpdir(), 'rnn-lab-doctor-unit-'));
after(() => rmSync(runsRoot, { recursive: true, force: true }));

function suiteSpec(name: string): { spec: ExperimentSpec; file: string } {
  const file = resolve(SUITE_DIR, name);
  const spec = loadSpecFile(file, RESOURCES_DIR).spec;
  assert.ok(spec, file);
  return { spec, file };
}

const start = (epochs: number): TrainEvent => ({
  type: 'start',
  backend: 'wasm',
  dataset: 'test',
  cell: 'gru',
  parameterCount: 10,
  epochs,
  stepsPerEpoch: 1,
  baseline: { loss: 1, label: 'last value' },
  time: 0,
});
const epoch = (n: number, trainLoss: number, validationLoss: number): TrainEvent => ({
  type: 'epoch',
  epoch: n,
  trainLoss,
  validationLoss,
  baselineLoss: 1,
  elapsedMs: n,
});

describe('training doctor', () => {
  test('speaks at the start for the spec, then only when its findings change', () => {
    const { spec } = suiteSpec('dropout-without-layers/sine-gru.rnn.json');
    const doctor = new Doctor({ ...spec, probe: { ...spec.probe, samples: 0 } });
    const first = doctor.observe(start(10));
    assert.equal(first?.type, 'finding');
    assert.deepEqual(
      first?.findings.map((f) => [f.code, f.epoch, f.path]),
      [['dropout-without-layers', 0, 'model.dropout']],
    );
    assert.deepEqual(
      first?.findings[0].fixes.map((f) => [f.path, f.value]),
      [
        ['model.layers', 2],
        ['model.dropout', 0],
      ],
    );
    assert.equal(doctor.observe({ type: 'step', epoch: 1, step: 1, loss: 0.5, gradNorm: 1, learningRate: 0.01, stepsPerSecond: 1 }), undefined);
    assert.equal(doctor.observe(epoch(1, 0.5, 0.4)), undefined, 'a healthy epoch changes nothing');
  });

  test('a non-finite end is diverged, an error whose fix lowers the learning rate tenfold', () => {
    const { spec } = suiteSpec('healthy/sine-gru.rnn.json');
    const doctor = new Doctor(spec);
    doctor.observe(start(6));
    doctor.observe({ type: 'step', epoch: 1, step: 1, loss: 0.5, gradNorm: 1, learningRate: 0.02, stepsPerSecond: 1 });
    const reason = 'Training diverged at epoch 1, step 2: the loss became NaN. Try a lower training.learningRate (now 0.02).';
    const last = doctor.finish({ type: 'end', status: 'failed', reason, divergedAt: { epoch: 1, step: 2 }, time: 1 });
    assert.deepEqual(
      last?.findings.map((f) => [f.code, f.severity]),
      [['diverged', 'error']],
    );
    assert.equal(last?.findings[0].message, 'Diverged at epoch 1, step 2, at learning rate 0.02: the loss became NaN.');
    assert.deepEqual(last?.findings[0].fixes[0], { path: 'training.learningRate', value: 0.002, label: 'Lower training.learningRate to 0.002 (× 0.1)' });
  });

  test('under a schedule, diverged names the rate the last step ran at; its fix still lowers training.learningRate', () => {
    const { spec } = suiteSpec('healthy/sine-gru.rnn.json');
    const doctor = new Doctor({ ...spec, training: { ...spec.training, learningRate: 0.02, schedule: { type: 'step', stepSize: 1, gamma: 0.25 } } });
    doctor.observe(start(6));
    doctor.observe({ type: 'step', epoch: 2, step: 7, loss: 0.5, gradNorm: 1, learningRate: 0.005, stepsPerSecond: 1 });
    const reason = 'Training diverged at epoch 2, step 8: the loss became NaN. Try a lower training.learningRate (now 0.02).';
    const last = doctor.finish({ type: 'end', status: 'failed', reason, divergedAt: { epoch: 2, step: 8 }, time: 1 });
    assert.equal(last?.findings[0].message, 'Diverged at epoch 2, step 8, at learning rate 0.005: the loss became NaN.');
    assert.deepEqual(last?.findings[0].fixes[0], { path: 'training.learningRate', value: 0.002, label: 'Lower training.learningRate to 0.002 (× 0.1)' });
  });

  test('a fix scales the learning rate without floating-point dust', () => {
    const { spec } = suiteSpec('healthy/sine-gru.rnn.json');
    assert.equal(lowerRateFix({ ...spec, training: { ...spec.training, learningRate: 0.003 } }).value, 0.0003);
  });

  test('overfitting is reported once validation rises for three epochs while the train loss falls, with the epoch marked', () => {
    const { spec } = suiteSpec('healthy/sine-gru.rnn.json');
    // Without probes the doctor judges at each epoch's end.
    const doctor = new Doctor({ ...spec, training: { ...spec.training, epochs: 6 }, probe: { ...spec.probe, samples: 0 } });
    doctor.observe(start(6));
    const losses: [number, number][] = [
      [0.5, 0.5],
      [0.3, 0.3],
      [0.2, 0.32],
      [0.15, 0.34],
    ];
    const events = losses.map(([train, validation], i) => doctor.observe(epoch(i + 1, train, validation)));
    assert.deepEqual(events.slice(0, 3), [undefined, undefined, undefined]);
    assert.equal(doctor.observe(epoch(5, 0.1, 0.36))?.findings[0]?.code, 'overfitting');
    const finding = doctor.findings[0];
    assert.equal(finding.evidence.bestEpoch, 2);
    assert.match(
      finding.message,
      /^Overfitting: validation loss rose 20% from its best \(0\.3 at epoch 2\) over 3 epochs while the train loss fell from 0\.3 to 0\.1\.$/,
    );
    assert.deepEqual(
      finding.fixes.map((f) => f.path),
      ['training.earlyStopping', 'model.dropout'],
    );
    assert.deepEqual(finding.fixes[1].with, [{ path: 'model.layers', value: 2 }]);
  });

  test('a run records finding events before its end and the latest list in its summary; a replay of the folder agrees', async () => {
    const { spec, file } = suiteSpec('dead-units/sine-relu.rnn.json');
    const events: TrainEvent[] = [];
    const { runDir, summary } = await runExperiment({
      spec,
      specPath: file,
      runsRoot,
      backend: 'auto',
      resourcesDir: RESOURCES_DIR,
      onEvent: (e) => events.push(e),
    });
    const recorded = readFileSync(join(runDir, RUN_FILES.metrics), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as TrainEvent);
    const findingEvents = recorded.filter((e): e is FindingEvent => e.type === 'finding');
    assert.ok(findingEvents.length > 0);
    assert.equal(recorded.at(-1)?.type, 'end');
    assert.deepEqual(summary.findings, findingEvents.at(-1)?.findings);
    assert.deepEqual(
      summary.findings?.map((f) => f.code),
      ['dead-units'],
    );
    assert.match(summary.findings?.[0].message ?? '', /^Dead units: \d+ of 16 ReLU units are 0 at every probed sample and step at epoch 4\.$/);
    assert.deepEqual(
      events.filter((e) => e.type === 'finding'),
      findingEvents,
      'the caller sees what is recorded',
    );
    assert.deepEqual(diagnoseRunFolder(runDir).findings, summary.findings);
  });

  test('a run whose finite loss grows far past its start and the baseline stops as failed, with where and why', async () => {
    const { spec, file } = suiteSpec('diverged/sine-gru.rnn.json');
    const { summary } = await runExperiment({ spec, specPath: file, runsRoot, backend: 'auto', resourcesDir: RESOURCES_DIR });
    assert.equal(summary.status, 'failed');
    assert.equal(summary.epochsDone, 1);
    assert.match(
      summary.reason ?? '',
      /^Training diverged at epoch 1, step \d+: the validation loss grew to [\d.e]+, [\d.e]+× its start \([\d.]+\) and the baseline \([\d.]+\)\. Try a lower training\.learningRate \(now 10\)/,
    );
    assert.deepEqual(
      summary.findings?.map((f) => f.code),
      ['diverged'],
    );
  });
});

describe('doctor fixes as spec edits', () => {
  const { spec } = suiteSpec('healthy/sine-gru.rnn.json');
  const text =
    '{\n  // keep me\n  "name": "x",\n  "data": { "type": "adding" },\n  "model": { "hiddenSize": 8 }, // and me\n  "sweep": { "model.cell": ["rnn", "lstm"] },\n}\n';
  const rnn = { ...spec, model: { ...spec.model, cell: 'rnn' as const } };

  test("a fix of a swept setting drops the run's value when the fixed one is listed, keeping comments", () => {
    const fixed = applyFix(text, { path: 'model.cell', value: 'lstm', label: '' }, rnn);
    assert.equal(fixed, text.replace('["rnn", "lstm"]', '["lstm"]'));
    assert.deepEqual(findingJsonPath(text, { path: 'model.cell' }, rnn), ['sweep', 'model.cell', 0]);
    assert.equal(findingStillApplies(fixed, rnn, { path: 'model.cell' }, rnn), false);
    assert.equal(findingStillApplies(text, rnn, { path: 'model.cell' }, rnn), true);
  });

  test('a fix with edits alongside applies them all; the replacement is the changed span only', () => {
    const fixed = applyFix(text, { path: 'model.dropout', value: 0.2, label: '', with: [{ path: 'model.layers', value: 2 }] }, rnn);
    assert.match(fixed, /"model": \{ "hiddenSize": 8, "dropout": 0\.2, "layers": 2 \}, \/\/ and me/);
    assert.match(fixed, /\/\/ keep me/);
    const change = minimalReplacement(text, fixed);
    assert.equal(text.slice(0, change.offset) + change.text + text.slice(change.offset + change.length), fixed);
    assert.equal(change.text, ', "dropout": 0.2, "layers": 2');
  });
});

describe('doctor evidence charts', () => {
  const base: Omit<Finding, 'code' | 'evidence'> = { severity: 'warning', epoch: 3, message: '', fixes: [], path: 'model.cell' };

  test('vanishing gradients: ‖∂L/∂h_t‖ per step on a log scale, the decay written at the first step', async () => {
    const chart = evidenceChart({ ...base, code: 'vanishing-gradients', evidence: { ratio: 3e-14, gradientNorms: [3e-15, 1e-8, 0.1] } });
    assert.ok(chart);
    assert.deepEqual(
      chart.data.evidence.map((row) => [row.x, row.y]),
      [
        [1, 3e-15],
        [2, 1e-8],
        [3, 0.1],
      ],
    );
    assert.deepEqual(chart.data.marks, [{ x: 1, label: 'step 1 / step 3: 3e-14' }]);
    const svg = await renderSvg(chart.spec, chart.data);
    assert.match(svg, /step 1 \/ step 3: 3e-14/);
    assert.match(svg, /1e-10/, 'a log axis');
  });

  test('overfitting: train and validation per epoch with the best epoch marked; numbers alone get no chart', () => {
    const chart = evidenceChart({ ...base, code: 'overfitting', evidence: { bestEpoch: 2, trainLosses: [0.5, 0.3, 0.2], validationLosses: [0.5, 0.3, 0.4] } });
    assert.deepEqual(chart?.data.marks, [{ x: 2, label: 'best epoch 2' }]);
    assert.deepEqual(new Set(chart?.data.evidence.map((row) => row.series)), new Set(['train', 'validation']));
    assert.equal(evidenceChart({ ...base, code: 'dead-units', evidence: { dead: 9, units: 16, share: 0.56 } }), undefined);
  });
});
