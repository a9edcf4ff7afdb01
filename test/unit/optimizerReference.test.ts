/**
 * Both engines' optimizers (with weight decay and clipping) and the learning-rate schedules
 * against PyTorch's, from test/fixtures/optimizers/optimizers.json (written by generate.py there).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/engine/backend';
import { kernelUpdate } from '../../src/engine/kernels/kernelOptimizer';
import { KernelMemory } from '../../src/engine/kernels/wasmKernels';
import { clipScale } from '../../src/engine/model/optimizerRules';
import { createOptimizer } from '../../src/engine/model/optimizers';
import type { OptimizerType, ScheduleSpec } from '../../src/engine/spec/types';
import { LearningRateSchedule } from '../../src/engine/train/schedule';

interface OptimizerCase {
  optimizer: OptimizerType;
  momentum: number;
  weightDecay: number;
  /** Each parameter (flattened below) after each step. */
  after: unknown[][];
}

interface Reference {
  learningRate: number;
  clipNorm: number;
  params: unknown[];
  gradients: unknown[][];
  optimizers: OptimizerCase[];
  epochs: number;
  validationLosses: number[];
  schedules: { schedule: ScheduleSpec; rates: number[] }[];
}

const reference = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'optimizers', 'optimizers.json'), 'utf8')) as Reference;
const flat = (value: unknown): number[] => (Array.isArray(value) ? value.flatMap(flat) : [value as number]);
const TOLERANCE = 1e-6;

function assertClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  expected.forEach((value, i) => {
    const error = Math.abs(actual[i] - value) / Math.max(1, Math.abs(value));
    assert.ok(error < TOLERANCE, `${what} [${i}]: ${actual[i]} vs PyTorch's ${value}`);
  });
}

/** The clipping factor of one step's gradients, as clip_grad_norm_ applies it over all parameters. */
function scaleOf(gradients: unknown[]): number {
  const norm = Math.sqrt(flat(gradients).reduce((sum, g) => sum + g * g, 0));
  return clipScale(norm, reference.clipNorm);
}

function tfjsSteps(c: OptimizerCase): number[][] {
  const optimizer = createOptimizer(c.optimizer, c.momentum, c.weightDecay);
  let params = new Map(reference.params.map((p, i) => [`p${i}`, tf.tensor(flat(p))]));
  return reference.gradients.map((gradients) => {
    const grads = new Map(gradients.map((g, i) => [`p${i}`, tf.tensor(flat(g))]));
    params = optimizer.update(params, grads, reference.learningRate, scaleOf(gradients));
    return [...params.values()].flatMap((p) => Array.from(p.dataSync()));
  });
}

function kernelSteps(c: OptimizerCase): number[][] {
  const memory = new KernelMemory();
  const initial = flat(reference.params);
  const n = initial.length;
  const [params, gradients, state1, state2] = [0, 1, 2, 3].map(() => memory.allocate(n));
  memory.floats(params).set(initial);
  const buffers = { count: n, params: params.pointer, gradients: gradients.pointer, state1: state1.pointer, state2: state2.pointer };
  return reference.gradients.map((step, i) => {
    memory.floats(gradients).set(flat(step));
    kernelUpdate(memory.kernels, c, buffers, i + 1, reference.learningRate, scaleOf(step));
    return Array.from(memory.floats(params));
  });
}

describe('optimizers with weight decay follow PyTorch', () => {
  before(() => initBackend('cpu'));
  for (const c of reference.optimizers) {
    const label = `${c.optimizer} (momentum ${c.momentum}, weight decay ${c.weightDecay})`;
    for (const [engine, steps] of [
      ['tfjs', tfjsSteps],
      ['kernels', kernelSteps],
    ] as const) {
      it(`${label} on the ${engine} engine`, () => {
        const actual = steps(c);
        c.after.forEach((expected, step) => assertClose(actual[step], flat(expected), `${label}, step ${step + 1}`));
      });
    }
  }
  it('weight decay changes the update (the fixture would catch it being ignored)', () => {
    const c = reference.optimizers[0];
    const without = tfjsSteps({ ...c, weightDecay: 0 })[0];
    assert.ok(without.some((v, i) => Math.abs(v - flat(c.after[0])[i]) > 1e-4));
  });
});

describe('learning-rate schedules follow PyTorch', () => {
  const ratesOf = (schedule: ScheduleSpec, resumeAfter?: number): number[] => {
    const training = { learningRate: reference.learningRate, epochs: reference.epochs, schedule };
    let current = new LearningRateSchedule(training);
    const rates: number[] = [];
    for (let epoch = 0; epoch < reference.epochs; epoch++) {
      if (epoch === resumeAfter) {
        const record = current.record();
        current = new LearningRateSchedule(training);
        current.restore(epoch, JSON.parse(JSON.stringify(record)));
      }
      rates.push(current.learningRate);
      current.endEpoch(reference.validationLosses[epoch]);
    }
    return rates;
  };
  for (const { schedule, rates } of reference.schedules) {
    const label = JSON.stringify(schedule);
    it(label, () => assertClose(ratesOf(schedule), rates, label));
    it(`${label}, resumed from a checkpoint after epoch 3`, () => assertClose(ratesOf(schedule, 3), rates, label));
  }
});
