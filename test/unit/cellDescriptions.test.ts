/**
 * The facts written once: each cell's description agrees with the schema, with what the tfjs
 * cells compute and record, with the parameter shapes and with the kernel cells; the optimizer
 * rules' clipping factor and the probe quantities' names.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { KERNEL_CELLS } from '../../src/engine/kernels/kernelCells';
import { CELL_TYPES, CELLS, gateCount, quantityLabel, quantityTitle, type CellDescription } from '../../src/engine/model/cellDescriptions';
import { createCell } from '../../src/engine/model/cells';
import { parameterShapes } from '../../src/engine/model/initialization';
import { clipScale } from '../../src/engine/model/optimizerRules';
import type { EngineConfig } from '../../src/engine/model/types';

before(async () => {
  await initBackend('cpu');
});

test('the schema offers exactly the described cells, each with its description', () => {
  const schema = JSON.parse(readFileSync(resolve(__dirname, '../../media/rnn-spec.schema.json'), 'utf8')) as {
    properties: { model: { properties: { cell: { enum: string[]; enumDescriptions: string[] } } } };
  };
  const cell = schema.properties.model.properties.cell;
  assert.deepEqual(cell.enum, CELL_TYPES);
  assert.equal(cell.enumDescriptions.length, CELL_TYPES.length);
});

for (const type of CELL_TYPES) {
  test(`${type}: the tfjs cell, the parameter shapes and the kernel cell follow its description`, () => {
    const description: CellDescription = CELLS[type];
    const cell = createCell({ cell: type, nonlinearity: 'tanh' });
    assert.equal(cell.description, description);
    assert.equal(KERNEL_CELLS[type].description, description);
    assert.equal(description.quantities[0], 'h');
    assert.equal(description.quantities.includes('c'), description.hasCellState);

    const [B, H] = [2, 3];
    const G = gateCount(type) * H;
    tf.tidy(() => {
      const previous = { h: tf.zeros([B, H]) as tf.Tensor2D, c: description.hasCellState ? (tf.zeros([B, H]) as tf.Tensor2D) : undefined };
      const record = cell.step(tf.ones([B, G]) as tf.Tensor2D, previous, { whhT: tf.zeros([H, G]) as tf.Tensor2D, bhh: tf.zeros([G]) as tf.Tensor1D });
      assert.deepEqual(Object.keys(record.quantities).sort(), [...description.quantities].sort(), 'a probe records the described quantities');
      assert.equal(record.state.c !== undefined, description.hasCellState);
      for (const quantity of description.quantities) assert.deepEqual(record.quantities[quantity]!.shape, [B, H], quantity);
    });

    const config: EngineConfig = {
      model: { cell: type, hiddenSize: H, layers: 2, nonlinearity: 'tanh', dropout: 0, init: 'default', bidirectional: false, projSize: 0, bias: true },
      training: {
        epochs: 1,
        batchSize: 2,
        optimizer: 'adam',
        learningRate: 0.01,
        momentum: 0,
        clipNorm: 0,
        seed: 1,
        earlyStopping: null,
        weightDecay: 0,
        schedule: null,
      },
      input: { kind: 'dense', size: 5 },
      task: 'forecast',
      seqLength: 4,
      outputSize: 1,
      seed: 1,
    };
    const shapes = parameterShapes(config);
    assert.deepEqual(shapes.get('weight_ih_l0'), [G, 5]);
    assert.deepEqual(shapes.get('weight_hh_l1'), [G, H]);
    assert.deepEqual(shapes.get('bias_hh_l1'), [G]);
  });
}

test('clipping scales the gradients as clip_grad_norm_ does, and only above the threshold', () => {
  assert.equal(clipScale(0.5, 1), 1);
  assert.equal(clipScale(1, 1), 1);
  assert.equal(clipScale(4, 0), 1, 'a threshold of 0 turns clipping off');
  assert.equal(clipScale(4, 1), 1 / (4 + 1e-6));
});

test('a probe quantity has one name, in the chart title and in the picker', () => {
  assert.equal(quantityTitle('f'), 'forget gate f');
  assert.equal(quantityTitle('h'), 'hidden state h');
  assert.equal(quantityLabel('c'), 'c (cell state)');
  assert.equal(quantityLabel('n'), 'n (candidate)');
});
