import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import type { Dataset } from '../../src/engine/data/types';
import type { StepEvent, TrainEvent } from '../../src/engine/events';
import { createOptimizer } from '../../src/engine/model/optimizers';
import { createTfjsEngine } from '../../src/engine/model/tfjsEngine';
import type { EngineConfig } from '../../src/engine/model/types';
import { REFERENCE_TOLERANCE, verifyReferenceFile } from '../../src/engine/verify/verifyReference';
import { Random } from '../../src/engine/random';
import type { CellType, ExperimentSpec } from '../../src/engine/spec/types';
import { trainExperiment, type TrainOptions } from '../../src/engine/train/trainer';

const GOLDEN = join(__dirname, '..', 'fixtures', 'golden');
/** Every reference file: the cells and options alone, then combinations/. */
const REFERENCE_FILES = ['.', 'combinations'].flatMap((folder) =>
  readdirSync(join(GOLDEN, folder))
    .filter((f) => f.endsWith('.json'))
    .map((f) => join(folder, f)),
);

/** A small forecasting dataset: the target is the mean of each sequence's inputs. */
function meanDataset(count = 64, steps = 6, seed = 1): Dataset {
  const random = new Random(seed);
  const split = (n: number) => {
    const inputs = new Float32Array(n * steps);
    const targets = new Float32Array(n);
    for (let s = 0; s < n; s++) {
      let sum = 0;
      for (let t = 0; t < steps; t++) {
        inputs[s * steps + t] = random.uniform(-1, 1);
        sum += inputs[s * steps + t];
      }
      targets[s] = sum / steps;
    }
    return { count: n, inputs, targets };
  };
  return {
    task: 'forecast',
    input: { kind: 'dense', size: 1 },
    seqLength: steps,
    outputSize: 1,
    train: split(count),
    validation: split(count / 4),
    baseline: { loss: 0.06, label: 'predict 0' },
    description: 'mean of the inputs',
  };
}

/** A token dataset: predict the current token (copy at lag 0). */
function echoDataset(vocabulary = ['a', 'b', 'c', 'd'], steps = 5, count = 32): Dataset {
  const random = new Random(7);
  const split = (n: number) => {
    const inputs = new Int32Array(n * steps);
    for (let i = 0; i < inputs.length; i++) {
      inputs[i] = random.int(vocabulary.length);
    }
    return { count: n, inputs, labels: inputs.slice() };
  };
  return {
    task: 'tokens',
    input: { kind: 'tokens', vocabularySize: vocabulary.length },
    seqLength: steps,
    outputSize: vocabulary.length,
    train: split(count),
    validation: split(8),
    baseline: { loss: Math.log(vocabulary.length), label: 'uniform' },
    vocabulary,
    description: 'echo',
  };
}

function spec(cell: CellType, overrides: Partial<ExperimentSpec['training']> = {}, layers = 1): ExperimentSpec {
  return {
    name: 'test',
    description: '',
    data: { type: 'sine', samples: 80, seqLength: 6, noise: 0, horizon: 1, validationSplit: 0.2 },
    model: { cell, hiddenSize: 8, layers, nonlinearity: 'tanh', dropout: 0, init: 'default', bidirectional: false, projSize: 0, bias: true },
    training: {
      epochs: 3,
      batchSize: 16,
      optimizer: 'adam',
      learningRate: 0.01,
      momentum: 0,
      clipNorm: 1,
      seed: 5,
      earlyStopping: null,
      weightDecay: 0,
      schedule: null,
      ...overrides,
    },
    probe: { samples: 2, everyEpochs: 1, generateLength: 20, temperature: 1 },
  };
}

async function train(options: Partial<TrainOptions> & Pick<TrainOptions, 'spec' | 'dataset'>) {
  const events: TrainEvent[] = [];
  const outcome = await trainExperiment({ backend: 'cpu', onEvent: (e) => events.push(e), shouldStop: () => false, ...options });
  return { outcome, events };
}

function stepLosses(events: TrainEvent[]): number[] {
  return events.flatMap((e) => (e.type === 'step' ? [e.loss] : []));
}

const CHECKS = [
  { engine: 'tfjs', backend: 'cpu' },
  { engine: 'tfjs', backend: 'wasm' },
  { engine: 'kernels', backend: 'cpu' },
] as const;

for (const { engine, backend } of CHECKS) {
  describe(`cells against PyTorch (${engine} engine${engine === 'tfjs' ? `, ${backend} backend` : ''})`, () => {
    before(async () => {
      assert.equal((await initBackend(backend)).backend, backend);
    });

    for (const file of REFERENCE_FILES) {
      it(`${file}: outputs, final states and every gradient within ${REFERENCE_TOLERANCE}`, () => {
        const report = verifyReferenceFile(join(GOLDEN, file), engine);
        const quantities = report.rows.map((r) => r.quantity);
        const reference = JSON.parse(readFileSync(join(GOLDEN, file), 'utf8')) as { params: Record<string, unknown> };
        for (const required of ['output', 'h_n', 'loss', ...Object.keys(reference.params).map((name) => `grad ${name}`), 'grad x', 'grad h0']) {
          assert.ok(quantities.includes(required), `${required} is compared`);
        }
        if (report.cell === 'lstm') {
          assert.ok(quantities.includes('c_n') && quantities.includes('grad c0'));
        }
        for (const row of report.rows) {
          assert.ok(row.maxAbsError <= REFERENCE_TOLERANCE, `${row.quantity}: ${row.maxAbsError}`);
        }
        assert.equal(report.passed, true);
      });
    }
  });
}

describe('reference verification', () => {
  before(async () => {
    await initBackend('cpu');
  });

  for (const engine of ['tfjs', 'kernels'] as const) {
    it(`fails when one expected gradient is off (${engine} engine)`, () => {
      const directory = mkdtempSync(join(tmpdir(), 'rnn-lab-golden-'));
      const file = join(directory, 'gru.json');
      copyFileSync(join(GOLDEN, 'gru.json'), file);
      const reference = JSON.parse(readFileSync(file, 'utf8'));
      reference.grads.bias_hh_l0[5] += 0.01;
      writeFileSync(file, JSON.stringify(reference));
      const report = verifyReferenceFile(file, engine);
      assert.equal(report.passed, false);
      const failing = report.rows.filter((r) => r.maxAbsError > REFERENCE_TOLERANCE).map((r) => r.quantity);
      assert.deepEqual(failing, ['grad bias_hh_l0']);
    });
  }
});

describe('training loop', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it('is deterministic: the same seed gives the same losses bit for bit', async () => {
    const first = stepLosses((await train({ spec: spec('gru', {}, 2), dataset: meanDataset() })).events);
    const second = stepLosses((await train({ spec: spec('gru', {}, 2), dataset: meanDataset() })).events);
    const otherSeed = stepLosses((await train({ spec: spec('gru', { seed: 6 }, 2), dataset: meanDataset() })).events);
    assert.equal(first.length, 12); // 4 steps × 3 epochs
    assert.deepEqual(first, second);
    assert.notDeepEqual(first, otherSeed);
  });

  it('learns: validation loss falls well below its first value', async () => {
    const { outcome, events } = await train({ spec: spec('lstm', { epochs: 25 }), dataset: meanDataset(256) });
    const validation = events.flatMap((e) => (e.type === 'epoch' ? [e.validationLoss] : []));
    assert.equal(outcome.status, 'completed');
    assert.equal(validation.length, 25);
    assert.ok(validation[24] < validation[0] / 4, `${validation[0]} → ${validation[24]}`);
  });

  it('stops a diverging run with a reason naming the step and what to change', async () => {
    const diverging = spec('rnn', { optimizer: 'sgd', learningRate: 1e6, clipNorm: 0 });
    diverging.model.nonlinearity = 'relu';
    const { outcome, events } = await train({ spec: diverging, dataset: meanDataset() });
    const end = events.at(-1);
    assert.equal(outcome.status, 'failed');
    assert.ok(end?.type === 'end' && end.divergedAt, 'the end event says where');
    assert.match(outcome.reason ?? '', /diverged at epoch \d+, step \d+/);
    assert.match(outcome.reason ?? '', /training\.learningRate \(now 1000000\)/);
    assert.match(outcome.reason ?? '', /training\.clipNorm/);
    for (const tensor of Object.values(outcome.weights)) {
      assert.ok(tensor.data.every(Number.isFinite), 'the saved weights are the last finite ones');
    }
  });

  it('stops when asked, between steps, keeping the weights', async () => {
    let steps = 0;
    const { outcome, events } = await train({
      spec: spec('lstm', { epochs: 50 }),
      dataset: meanDataset(),
      onEvent: (e) => (steps += e.type === 'step' ? 1 : 0),
      shouldStop: () => steps >= 3,
    });
    assert.equal(outcome.status, 'stopped');
    assert.equal(steps, 3);
    assert.deepEqual(events, []);
    assert.ok(outcome.weights.weight_hh_l0.data.length > 0);
  });

  it('a stop between epochs names the epoch of the last step, as the views count it', async () => {
    const steps: StepEvent[] = [];
    let epochsDone = 0;
    const { outcome } = await train({
      spec: spec('rnn', { epochs: 50 }),
      dataset: meanDataset(),
      onEvent: (e) => (e.type === 'step' ? steps.push(e) : e.type === 'epoch' ? (epochsDone = e.epoch) : undefined),
      shouldStop: () => epochsDone >= 1,
    });
    assert.equal(outcome.status, 'stopped');
    const last = steps.at(-1)!;
    assert.equal(last.epoch, 1);
    assert.equal(outcome.reason, `stopped by the user after epoch 1, step ${last.step}`);
  });

  it('stops early when the validation loss stops improving', async () => {
    const { outcome, events } = await train({
      spec: spec('rnn', { epochs: 200, learningRate: 0, earlyStopping: { patience: 2, metric: 'val_loss' } }),
      dataset: meanDataset(),
    });
    assert.equal(outcome.status, 'completed');
    assert.equal(events.filter((e) => e.type === 'epoch').length, 3);
    assert.match(outcome.reason ?? '', /Early stopping after epoch 3/);
  });

  for (const engine of ['tfjs', 'kernels'] as const) {
    it(`records the train accuracy of a token task per epoch, next to the validation accuracy (${engine} engine)`, async () => {
      const { events } = await train({ spec: spec('lstm', { epochs: 3 }), dataset: echoDataset(), engine });
      const epochs = events.flatMap((e) => (e.type === 'epoch' ? [e] : []));
      assert.equal(epochs.length, 3);
      for (const epoch of epochs) {
        assert.ok(epoch.trainAccuracy !== undefined && epoch.trainAccuracy >= 0 && epoch.trainAccuracy <= 1, `train accuracy ${epoch.trainAccuracy}`);
        assert.ok(epoch.validationAccuracy !== undefined);
      }
      const forecast = await train({ spec: spec('lstm', { epochs: 1 }), dataset: meanDataset(), engine });
      assert.ok(
        forecast.events.every((e) => e.type !== 'epoch' || e.trainAccuracy === undefined),
        'no accuracy for a forecast',
      );
    });
  }

  it('records the time since the start with every step', async () => {
    const { events } = await train({ spec: spec('gru'), dataset: meanDataset() });
    const times = events.flatMap((e) => (e.type === 'step' ? [e.elapsedMs] : []));
    assert.ok(
      times.every((t) => t !== undefined && t >= 0),
      'every step has its time',
    );
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a! - b!),
      'in order',
    );
  });

  it("names a forecast probe's target, its scale and its input feature, for charts in the data's units", async () => {
    const dataset = { ...meanDataset(), featureNames: ['value'], targetScale: { mean: 2, std: 3 } };
    const { events } = await train({ spec: spec('gru', { epochs: 1 }), dataset });
    const probe = events.find((e) => e.type === 'probe');
    assert.ok(probe?.type === 'probe' && probe.predictions.kind === 'forecast');
    assert.deepEqual(probe.featureNames, ['value']);
    assert.equal(probe.predictions.target, 'value');
    assert.deepEqual(probe.predictions.scale, { mean: 2, std: 3 });
    assert.equal(probe.predictions.targetFeature, 0);
  });

  it('records probes: every LSTM quantity as sample × unit × time, and ‖∂L/∂h_t‖ per layer and step', async () => {
    const { events } = await train({ spec: spec('lstm', { epochs: 1 }, 2), dataset: meanDataset() });
    const probe = events.find((e) => e.type === 'probe');
    assert.ok(probe && probe.type === 'probe');
    assert.equal(probe.layers.length, 2);
    for (const quantity of ['h', 'c', 'i', 'f', 'g', 'o'] as const) {
      const values = probe.layers[1].quantities[quantity] as number[][][];
      assert.deepEqual([values.length, values[0].length, values[0][0].length], [2, 8, 6], quantity);
    }
    const gates = probe.layers[0].quantities.f as number[][][];
    assert.ok(
      gates.flat(2).every((v) => v > 0 && v < 1),
      'gates are sigmoid outputs',
    );
    assert.deepEqual(
      probe.gradientNorms.map((n) => n.length),
      [6, 6],
    );
    // The loss reads only the last step, so the gradient grows towards it.
    assert.ok(probe.gradientNorms[1][5] > probe.gradientNorms[1][0]);
    assert.equal(probe.predictions.kind, 'forecast');
  });
});

describe('engine', () => {
  before(async () => {
    await initBackend('cpu');
  });

  const config = (cell: CellType): EngineConfig => ({
    model: { cell, hiddenSize: 6, layers: 2, nonlinearity: 'tanh', dropout: 0, init: 'default', bidirectional: false, projSize: 0, bias: true },
    training: spec(cell).training,
    input: { kind: 'tokens', vocabularySize: 4 },
    task: 'tokens',
    seqLength: 5,
    outputSize: 4,
    seed: 3,
  });

  it('exports PyTorch state-dict shapes and reloads them exactly', () => {
    const dataset = echoDataset();
    const batch = { size: 8, inputs: dataset.validation.inputs, labels: dataset.validation.labels };
    const source = createTfjsEngine(config('gru'));
    source.trainStep(batch, 0.05);
    const weights = source.stateDict();
    assert.deepEqual(weights.weight_ih_l0.shape, [18, 4]);
    assert.deepEqual(weights.weight_hh_l1.shape, [18, 6]);
    assert.deepEqual(weights['head.weight'].shape, [4, 6]);
    const copy = createTfjsEngine({ ...config('gru'), seed: 99 });
    assert.notDeepEqual(copy.evaluate(batch).outputs, source.evaluate(batch).outputs);
    copy.loadStateDict(weights);
    assert.deepEqual(copy.evaluate(batch).outputs, source.evaluate(batch).outputs);
    assert.throws(() => copy.loadStateDict({ ...weights, weight_hh_l0: { shape: [2, 2], data: new Float32Array(4) } }), /weight_hh_l0.*\[2, 2\].*\[18, 6\]/);
    source.dispose();
    copy.dispose();
  });

  it('identity init gives W_hh = I per gate block and zero biases', () => {
    const engine = createTfjsEngine({ ...config('rnn'), model: { ...config('rnn').model, init: 'identity' } });
    const weights = engine.stateDict();
    const whh = Array.from(weights.weight_hh_l0.data);
    assert.deepEqual(
      whh,
      Array.from({ length: 36 }, (_, i) => (Math.floor(i / 6) === i % 6 ? 1 : 0)),
    );
    assert.ok(weights.bias_ih_l0.data.every((v) => v === 0));
    engine.dispose();
  });

  it('generates text from the vocabulary with one activation per unit and character', () => {
    const engine = createTfjsEngine(config('lstm'));
    const generated = engine.generate([0, 1, 2], 12, 0.8, ['a', 'b', 'c', 'd'], 1);
    assert.equal(generated.text.length, 12);
    assert.match(generated.text, /^[abcd]+$/);
    assert.deepEqual([generated.activations.length, generated.activations[0].length], [6, 12]);
    assert.deepEqual(engine.generate([0, 1, 2], 12, 0.8, ['a', 'b', 'c', 'd'], 1).text, generated.text);
    engine.dispose();
  });

  it('leaks no tensors over training steps, evaluation and probes', () => {
    const dataset = echoDataset();
    const batch = { size: 8, inputs: dataset.validation.inputs, labels: dataset.validation.labels };
    const engine = createTfjsEngine(config('lstm'));
    engine.trainStep(batch, 0.01);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      engine.trainStep(batch, 0.01);
      engine.evaluate(batch);
      engine.probe(batch);
    }
    assert.equal(tf.memory().numTensors, before);
    engine.dispose();
  });
});

describe('backends agree', () => {
  for (const task of ['tokens', 'forecast'] as const) {
    it(`${task}: the wasm backend trains like the cpu backend`, async () => {
      const dataset = task === 'tokens' ? echoDataset() : meanDataset();
      const losses: number[][] = [];
      for (const backend of ['cpu', 'wasm'] as const) {
        await initBackend(backend);
        losses.push(stepLosses((await train({ spec: spec('lstm', { epochs: 2 }, 2), dataset })).events));
      }
      assert.equal(losses[0].length, losses[1].length);
      losses[0].forEach((loss, i) => assert.ok(Math.abs(loss - losses[1][i]) < 1e-4, `step ${i + 1}: cpu ${loss}, wasm ${losses[1][i]}`));
      if (task === 'tokens') {
        assert.ok(Math.abs(losses[0][0] - Math.log(4)) < 0.3, 'the first loss is near ln(vocabulary)');
      }
    });
  }
});

describe('optimizers follow PyTorch', () => {
  const run = (type: 'adam' | 'sgd' | 'rmsprop', momentum: number, gradients: number[][]) => {
    const optimizer = createOptimizer(type, momentum, 0);
    let params = new Map<string, tf.Tensor>([['w', tf.tensor1d([1, -2])]]);
    for (const g of gradients) {
      const next = optimizer.update(params, new Map([['w', tf.tensor1d(g)]]), 0.1, 1);
      params = next;
    }
    return Array.from(params.get('w')!.dataSync());
  };
  const close = (actual: number[], expected: number[]) => actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `${actual} vs ${expected}`));

  it('SGD with momentum', () =>
    close(
      run('sgd', 0.9, [
        [1, 2],
        [1, 2],
      ]),
      [1 - 0.1 - 0.1 * 1.9, -2 - 0.2 - 0.1 * 3.8],
    ));
  it('Adam: the first step moves each weight by the learning rate', () => close(run('adam', 0, [[0.5, -3]]), [0.9, -1.9]));
  it('RMSprop: the first step is lr·g/sqrt(0.01·g²)', () => close(run('rmsprop', 0, [[0.5, -3]]), [0, -1]));
});
