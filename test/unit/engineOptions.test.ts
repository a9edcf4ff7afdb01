import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { createTfjsEngine } from '../../src/engine/model/tfjsEngine';
import type { Batch, EngineConfig } from '../../src/engine/model/types';
import { readWeightsFile, writeWeightsFile } from '../../src/engine/model/weightsFile';
import { Random } from '../../src/engine/random';
import type { CellType, ModelSpec } from '../../src/engine/spec/types';

const STEPS = 5;
const FEATURES = 3;

/** A tiny classifier over dense sequences, plain SGD without clipping: an update is -learningRate · gradient. */
function classifier(cell: CellType, model: Partial<ModelSpec>): EngineConfig {
  return {
    model: { cell, hiddenSize: 4, layers: 2, nonlinearity: 'tanh', dropout: 0, init: 'default', bidirectional: false, projSize: 0, bias: true, ...model },
    training: {
      epochs: 1,
      batchSize: 3,
      optimizer: 'sgd',
      learningRate: 0.1,
      momentum: 0,
      weightDecay: null,
      schedule: null,
      clipNorm: 0,
      seed: 1,
      earlyStopping: null,
    },
    input: { kind: 'dense', size: FEATURES },
    task: 'classify',
    seqLength: STEPS,
    outputSize: 2,
    seed: 7,
  };
}

function randomInputs(size: number, seed: number): Float32Array {
  const random = new Random(seed);
  return Float32Array.from({ length: size * STEPS * FEATURES }, () => random.uniform(-1, 1));
}

const OPTIONS: Partial<ModelSpec> = { bidirectional: true, projSize: 2, bias: false };

describe('engine options (bidirectional, projection, no bias, packed lengths)', () => {
  before(async () => {
    await initBackend('cpu');
  });

  it('trainStep gradients match finite differences of the loss', () => {
    const config = classifier('lstm', OPTIONS);
    const batch: Batch = { size: 3, inputs: randomInputs(3, 2), labels: Int32Array.of(0, 1, 1), lengths: Int32Array.of(5, 2, 3) };
    const engine = createTfjsEngine(config);
    const start = engine.stateDict();
    const lossAt = (weights: typeof start) => {
      engine.loadStateDict(weights);
      return engine.evaluate(batch).loss;
    };
    // A unit step keeps the update's float32 rounding far below the gradients.
    const rate = 1;
    engine.trainStep(batch, rate);
    const updated = engine.stateDict();
    const epsilon = 1e-2;
    let checked = 0;
    for (const name of ['weight_ih_l0', 'weight_hh_l0_reverse', 'weight_hr_l0', 'weight_hr_l1_reverse', 'weight_ih_l1', 'head.weight']) {
      for (const index of [0, 3]) {
        const analytic = (start[name].data[index] - updated[name].data[index]) / rate;
        const shifted = (delta: number) => {
          const data = Float32Array.from(start[name].data);
          data[index] += delta;
          return lossAt({ ...start, [name]: { shape: start[name].shape, data } });
        };
        const numeric = (shifted(epsilon) - shifted(-epsilon)) / (2 * epsilon);
        assert.ok(Math.abs(analytic - numeric) <= 2e-5 + 0.03 * Math.abs(numeric), `${name}[${index}]: ${analytic} vs ${numeric}`);
        checked += Math.abs(numeric) > 1e-5 ? 1 : 0;
      }
    }
    assert.ok(checked >= 6, 'most checked gradients are not zero');
    engine.dispose();
  });

  for (const cell of ['lstm', 'gru', 'rnn'] as const) {
    it(`padded steps change nothing (${cell}): a short sample alone and padded beside a longer one`, () => {
      const engine = createTfjsEngine(classifier(cell, { ...OPTIONS, projSize: cell === 'lstm' ? 2 : 0 }));
      const inputs = randomInputs(2, 3);
      const alone = Float32Array.from(inputs.subarray(0, STEPS * FEATURES));
      alone.fill(0, 2 * FEATURES);
      const single = engine.evaluate({ size: 1, inputs: alone, labels: Int32Array.of(1), lengths: Int32Array.of(2) });
      const paired = engine.evaluate({ size: 2, inputs, labels: Int32Array.of(1, 0), lengths: Int32Array.of(2, 5) });
      assert.deepEqual(
        Array.from(paired.outputs.subarray(0, 2), (v) => v.toFixed(5)),
        Array.from(single.outputs, (v) => v.toFixed(5)),
      );
      const unpacked = engine.evaluate({ size: 2, inputs, labels: Int32Array.of(1, 0) });
      assert.notDeepEqual(
        Array.from(unpacked.outputs.subarray(0, 2)),
        Array.from(paired.outputs.subarray(0, 2)),
        'the padding would change the result if read',
      );
      engine.dispose();
    });
  }

  it('probes every layer and direction in time order, 0 at padded steps, with zero gradients there', () => {
    const engine = createTfjsEngine(classifier('gru', { bidirectional: true }));
    const batch: Batch = { size: 2, inputs: randomInputs(2, 4), labels: Int32Array.of(0, 1), lengths: Int32Array.of(3, 5) };
    const probe = engine.probe(batch);
    assert.deepEqual(
      probe.layers.map((l) => `${l.layer}${l.direction ?? ''}`),
      ['0', '0reverse', '1', '1reverse'],
    );
    assert.deepEqual(probe.lengths, [3, 5]);
    for (const layer of probe.layers) {
      const h = layer.quantities.h as number[][][];
      assert.deepEqual([h.length, h[0].length, h[0][0].length], [2, 4, STEPS]);
      assert.ok(h[0].every((unit) => unit[3] === 0 && unit[4] === 0 && unit[2] !== 0));
    }
    assert.equal(probe.gradientNorms.length, 4);
    for (const norms of probe.gradientNorms) {
      assert.deepEqual(
        [norms[3], norms[4]].map((n) => n > 0),
        [true, true],
        'the long sample has gradients at steps 3, 4',
      );
    }
    engine.dispose();
  });

  it("names its parameters as PyTorch's named_parameters() and loads a weights file with them", () => {
    const config = classifier('lstm', { ...OPTIONS, bias: true });
    const engine = createTfjsEngine(config);
    const weights = engine.stateDict();
    const perDirection = (suffix: string) => ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh', 'weight_hr'].map((name) => `${name}_${suffix}`);
    assert.deepEqual(Object.keys(weights), [
      ...perDirection('l0'),
      ...perDirection('l0_reverse'),
      ...perDirection('l1'),
      ...perDirection('l1_reverse'),
      'head.weight',
      'head.bias',
    ]);
    assert.deepEqual(weights.weight_hh_l1_reverse.shape, [16, 2]);
    assert.deepEqual(weights.weight_ih_l1.shape, [16, 4]);
    assert.deepEqual(weights.weight_hr_l0.shape, [2, 4]);
    assert.deepEqual(weights['head.weight'].shape, [2, 4]);
    const file = join(mkdtempSync(join(tmpdir(), 'rnn-lab-weights-')), 'weights.json');
    writeWeightsFile(file, weights);
    const copy = createTfjsEngine({ ...config, seed: 99 });
    const batch: Batch = { size: 1, inputs: randomInputs(1, 5), labels: Int32Array.of(0) };
    assert.notDeepEqual(copy.evaluate(batch).outputs, engine.evaluate(batch).outputs);
    copy.loadStateDict(readWeightsFile(file));
    assert.deepEqual(copy.evaluate(batch).outputs, engine.evaluate(batch).outputs);
    engine.dispose();
    copy.dispose();
  });

  it('leaks no tensors over training steps, evaluation and probes with every option', () => {
    const engine = createTfjsEngine(classifier('lstm', { ...OPTIONS, dropout: 0.3 }));
    const batch: Batch = { size: 3, inputs: randomInputs(3, 6), labels: Int32Array.of(0, 1, 0), lengths: Int32Array.of(1, 5, 4) };
    engine.trainStep(batch, 0.01);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      engine.trainStep(batch, 0.01);
      engine.evaluate(batch);
      engine.probe(batch, [0, 4]);
    }
    assert.equal(tf.memory().numTensors, before);
    engine.dispose();
  });

  it('generates text with a bidirectional language model, one activation per output unit', () => {
    const engine = createTfjsEngine({
      ...classifier('gru', { bidirectional: true }),
      input: { kind: 'tokens', vocabularySize: 4 },
      task: 'tokens',
      outputSize: 4,
    });
    const generated = engine.generate([0, 1, 2], 6, 0.8, ['a', 'b', 'c', 'd'], 1);
    assert.match(generated.text, /^[abcd]{6}$/);
    assert.deepEqual([generated.activations.length, generated.activations[0].length], [8, 6]);
    engine.dispose();
  });
});
