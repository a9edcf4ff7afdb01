/**
 * What the experiment panel is sent about a recorded run (`panelData.ts`), from a run folder
 * written by the run store: the header, the thinned loss history, the probe index and its
 * probes cut to the panel's limits, the run list's entry and the comparison's.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ProbeEvent } from '../../src/engine/events';
import { readRun } from '../../src/engine/runs/runReader';
import { RunWriter } from '../../src/engine/runs/runWriter';
import {
  capGenerated,
  capProbe,
  compareRunOfRecord,
  flattenConfig,
  headerOfRecord,
  historyOfRecord,
  itemOfSummary,
  latestProbe,
  MAX_STEP_ROWS,
  probeIndex,
  PROBE_LIMITS,
  readProbe,
  thinSteps,
} from '../../src/extension/panel/panelData';
import { sineSpec } from './sineSpec';

const scratch = mkdtempSync(join(tmpdir(), 'rnn-panel-data-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const STEPS = 3000;
const started = Date.parse('2026-11-25T17:00:00.000Z');

/** [sample][unit][time] of the given sizes, each value telling where it is. */
function cube(samples: number, units: number, time: number): number[][][] {
  return Array.from({ length: samples }, (_, s) => Array.from({ length: units }, (_, u) => Array.from({ length: time }, (_, t) => s * 1e6 + u * 1e3 + t)));
}

/** A probe larger than the panel's limits in every direction. */
function probe(epoch: number): ProbeEvent {
  const [samples, units, time] = [PROBE_LIMITS.samples + 2, PROBE_LIMITS.units + 3, PROBE_LIMITS.time + 4];
  return {
    type: 'probe',
    epoch,
    samples: Array.from({ length: samples }, (_, i) => i),
    inputs: cube(samples, time, 1).map((sample) => sample.map((step) => [step[0]])),
    layers: [{ layer: 0, quantities: { h: cube(samples, units, time), r: cube(samples, units, time) } }],
    gradientNorms: [Array.from({ length: time }, (_, t) => t + 1)],
    predictions: {
      kind: 'forecast',
      targets: Array.from({ length: PROBE_LIMITS.rows + 5 }, (_, i) => [i]),
      predictions: Array.from({ length: PROBE_LIMITS.rows + 5 }, (_, i) => [i + 0.5]),
    },
    generated: { temperature: 0.8, text: 'abc', activations: Array.from({ length: units }, () => [0, 1, 2]) },
  };
}

/** A finished GRU run of two epochs with a probe each, and far more steps than one load shows. */
function recordedRun(): string {
  const spec = sineSpec('panel-data');
  const writer = RunWriter.create({ experimentDir: join(scratch, 'panel-data'), specPath: 'panel-data.rnn.json', spec, specChecksum: 'c', now: () => started });
  writer.record({
    type: 'start',
    backend: 'wasm',
    engine: 'tfjs',
    dataset: 'sine',
    cell: 'gru',
    parameterCount: 9,
    epochs: 2,
    stepsPerEpoch: STEPS / 2,
    baseline: { loss: 1, label: 'last value' },
    time: started,
  });
  for (let step = 1; step <= STEPS; step++) {
    const epoch = step <= STEPS / 2 ? 1 : 2;
    // One spike that thinning must keep.
    const loss = step === 1234 ? 50 : 1 / step;
    writer.record({ type: 'step', epoch, step, loss, gradNorm: 1, learningRate: 0.01, stepsPerSecond: 100 });
    if (step === STEPS / 2 || step === STEPS) {
      writer.record({ type: 'epoch', epoch, trainLoss: 0.5 / epoch, validationLoss: 0.4 / epoch, baselineLoss: 1, elapsedMs: 10 * epoch });
      writer.record(probe(epoch));
    }
  }
  writer.record({ type: 'end', status: 'completed', time: started + 20 });
  writer.close();
  return writer.dir;
}

const dir = recordedRun();
const record = readRun(dir);

test('the header of a recorded run says what trained it, how far it got and how fast', () => {
  const header = headerOfRecord(record);
  assert.equal(header.id, record.summary.id);
  assert.equal(header.name, 'panel-data');
  assert.equal(header.status, 'completed');
  assert.equal(header.live, false);
  assert.deepEqual([header.epoch, header.epochs, header.step, header.stepsPerEpoch], [2, 2, STEPS, STEPS / 2]);
  assert.equal(header.engine, 'tfjs engine, wasm backend');
  assert.equal(header.cell, 'gru');
  assert.deepEqual(header.baseline, { loss: 1, label: 'last value' });
});

test('the loss history is thinned to a screenful that keeps the extremes, and has every epoch', () => {
  const { steps, epochs } = historyOfRecord(record);
  assert.ok(steps.length <= MAX_STEP_ROWS && steps.length > MAX_STEP_ROWS / 2, `${steps.length} rows`);
  assert.ok(
    steps.some((row) => row.loss === 50),
    'the spike is kept',
  );
  assert.equal(steps[0].step, 1);
  assert.equal(steps.at(-1)?.step, STEPS);
  assert.deepEqual(
    epochs.map((e) => [e.epoch, e.validationLoss]),
    [
      [1, 0.4],
      [2, 0.2],
    ],
  );
  assert.deepEqual(thinSteps(steps.slice(0, 10), 100), steps.slice(0, 10), 'fewer rows than the limit stay as they are');
});

test('the probe index lists the probe epochs with their gradient flow, cut to the time limit', () => {
  const { probeEpochs, gradients } = probeIndex(dir);
  assert.deepEqual(probeEpochs, [1, 2]);
  assert.equal(gradients[0].norms[0].length, PROBE_LIMITS.time);
  assert.equal(readProbe(dir, 2)?.epoch, 2);
  assert.equal(readProbe(dir, 3), undefined);
  assert.equal(latestProbe(dir)?.epoch, 2);
});

test('a probe is cut to a few samples, units, time steps and prediction rows, keeping the first of each', () => {
  const full = readProbe(dir, 1)!;
  const capped = capProbe(full);
  const h = capped.layers[0].quantities.h!;
  assert.deepEqual([h.length, h[0].length, h[0][0].length], [PROBE_LIMITS.samples, PROBE_LIMITS.units, PROBE_LIMITS.time]);
  assert.deepEqual(h[1][2].slice(0, 2), [1_002_000, 1_002_001]);
  assert.equal(capped.layers[0].quantities.r!.length, PROBE_LIMITS.samples, 'every quantity is cut');
  assert.equal(capped.samples.length, PROBE_LIMITS.samples);
  assert.equal((capped.inputs as number[][][])[0].length, PROBE_LIMITS.time);
  assert.ok(capped.predictions.kind === 'forecast' && capped.predictions.targets.length === PROBE_LIMITS.rows);
  assert.equal(capped.generated?.activations.length, PROBE_LIMITS.units);
  assert.equal(capGenerated(full.generated!).text, 'abc');
  assert.equal(full.layers[0].quantities.h!.length, PROBE_LIMITS.samples + 2, 'the probe read is not changed');
});

test('the run list entry and the comparison entry come from the summary and the spec', () => {
  assert.deepEqual(itemOfSummary(record.summary, { name: 'my run' }), {
    id: record.summary.id,
    label: 'my run',
    status: 'completed',
    startedAt: record.summary.startedAt,
    bestValidationLoss: 0.2,
    bestValidationAccuracy: undefined,
    live: false,
  });
  assert.equal(itemOfSummary(record.summary).label, record.summary.id, 'without a name, the run id');
  const compared = compareRunOfRecord(record);
  assert.deepEqual(compared.epochs, [
    { epoch: 1, validationLoss: 0.4, validationAccuracy: undefined },
    { epoch: 2, validationLoss: 0.2, validationAccuracy: undefined },
  ]);
  assert.equal(compared.bestEpoch, 2);
  assert.equal(compared.config['model.cell'], 'gru');
  assert.equal(compared.config['training.learningRate'], '0.01');
});

test('a config is flattened to dotted keys with JSON values, arrays whole', () => {
  assert.deepEqual(flattenConfig({ a: { b: 1, c: 'x', d: [1, 2], e: null }, f: true, g: undefined }), {
    'a.b': '1',
    'a.c': 'x',
    'a.d': '[1,2]',
    'a.e': 'null',
    f: 'true',
  });
  assert.deepEqual(flattenConfig(5), {}, 'a bare value has no key');
});
