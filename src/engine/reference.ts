/**
 * `rnn-lab verify-reference`: runs the engine's cells forward and backward with the weights
 * and inputs of a PyTorch reference file and reports the largest absolute error of every
 * quantity. File format: `params` (PyTorch names and layout), `x` [B,T,I], `h0` (and `c0`)
 * [layers,B,H]; expected `output`, `h_n`, `c_n`, `loss_value` for loss = (output**2).sum(),
 * and `grads` of that loss for every parameter, `x`, `h0` (and `c0`).
 */
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { createCell } from './model/cells';
import type { CellState } from './model/cells/cell';
import { fromStateDict, layerNames, layerParams } from './model/parameters';
import { stackBackward, stackForward } from './model/recurrentStack';
import { scoped } from './model/scoped';
import { splitSteps } from './model/splitSteps';
import type { LayerParams } from './model/recurrentLayer';
import { flatten, shapeOf, stateDictFromJson, type Nested } from './model/weightsFile';
import type { CellType } from './spec/types';

export const REFERENCE_TOLERANCE = 1e-4;

export interface ReferenceRow {
  quantity: string;
  maxAbsError: number;
}

export interface ReferenceReport {
  file: string;
  cell: CellType;
  rows: ReferenceRow[];
  passed: boolean;
}

interface ReferenceFile {
  cell: CellType;
  num_layers: number;
  input_size: number;
  hidden_size: number;
  seq_len: number;
  batch: number;
  nonlinearity?: 'tanh' | 'relu';
  params: Record<string, Nested>;
  x: Nested;
  h0: Nested;
  c0?: Nested;
  output: Nested;
  h_n: Nested;
  c_n?: Nested;
  loss_value: number;
  grads: Record<string, Nested>;
}

export function verifyReferenceFile(file: string): ReferenceReport {
  const reference = JSON.parse(readFileSync(file, 'utf8')) as ReferenceFile;
  const rows = scoped(() => compare(reference));
  return { file, cell: reference.cell, rows, passed: rows.every((row) => row.maxAbsError <= REFERENCE_TOLERANCE) };
}

function compare(reference: ReferenceFile): ReferenceRow[] {
  const { batch, seq_len: steps, num_layers: layers, hidden_size: hidden, input_size: inputs } = reference;
  const cell = createCell({ cell: reference.cell, nonlinearity: reference.nonlinearity ?? 'tanh' });
  const params = fromStateDict(stateDictFromJson(reference.params, 'params'), expectedShapes(reference));
  const layerList: LayerParams[] = Array.from({ length: layers }, (_, k) => layerParams(params, k));

  // [B, T, I] → time-major rows [T*B, I].
  const x = tf.tensor3d(flatten(reference.x), [batch, steps, inputs]);
  const input = tf.reshape(tf.transpose(x, [1, 0, 2]), [steps * batch, inputs]) as tf.Tensor2D;
  const h0 = tf.tensor3d(flatten(reference.h0), [layers, batch, hidden]);
  const c0 = reference.c0 ? tf.tensor3d(flatten(reference.c0), [layers, batch, hidden]) : undefined;
  const initial: CellState[] = Array.from({ length: layers }, (_, k) => ({
    h: tf.squeeze(tf.slice(h0, [k, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D,
    c: c0 && (tf.squeeze(tf.slice(c0, [k, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D),
  }));

  const forward = stackForward(cell, layerList, input, batch, initial);
  const finalStates = forward.layers.map((layer) => layer.records[steps - 1].state);
  const dTop = splitSteps(tf.mul(forward.top, 2) as tf.Tensor2D, steps);
  const backward = stackBackward(cell, layerList, forward, dTop, { needInputGradient: true });

  const batchMajor = (rows: tf.Tensor2D, width: number) => tf.transpose(tf.reshape(rows, [steps, batch, width]), [1, 0, 2]);
  const rows: ReferenceRow[] = [
    row('output', batchMajor(forward.top, hidden), reference.output),
    row('h_n', tf.stack(finalStates.map((s) => s.h)), reference.h_n),
    { quantity: 'loss', maxAbsError: Math.abs(tf.sum(tf.square(forward.top)).dataSync()[0] - reference.loss_value) },
  ];
  if (reference.c_n) {
    rows.push(row('c_n', tf.stack(finalStates.map((s) => s.c as tf.Tensor2D)), reference.c_n));
  }
  backward.gradients.forEach((gradients, k) => {
    const names = layerNames(k);
    rows.push(
      row(`grad ${names.wihT}`, tf.transpose(gradients.wihT), reference.grads[names.wihT]),
      row(`grad ${names.whhT}`, tf.transpose(gradients.whhT), reference.grads[names.whhT]),
      row(`grad ${names.bih}`, gradients.bih, reference.grads[names.bih]),
      row(`grad ${names.bhh}`, gradients.bhh, reference.grads[names.bhh]),
    );
  });
  rows.push(
    row('grad x', batchMajor(backward.dInput as tf.Tensor2D, inputs), reference.grads.x),
    row('grad h0', tf.stack(backward.dInitial.map((s) => s.h)), reference.grads.h0),
  );
  if (reference.grads.c0) {
    rows.push(row('grad c0', tf.stack(backward.dInitial.map((s) => s.c as tf.Tensor2D)), reference.grads.c0));
  }
  return rows;
}

function row(quantity: string, actual: tf.Tensor, expected: Nested | undefined): ReferenceRow {
  if (expected === undefined) {
    throw new Error(`the reference file has no "${quantity}"`);
  }
  const want = flatten(expected);
  const got = actual.dataSync();
  if (got.length !== want.length) {
    throw new Error(`${quantity}: the engine produced ${got.length} values, the reference has ${want.length}`);
  }
  let maxAbsError = 0;
  want.forEach((value, i) => (maxAbsError = Math.max(maxAbsError, Math.abs(got[i] - value))));
  return { quantity, maxAbsError };
}

function expectedShapes(reference: ReferenceFile): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (let k = 0; k < reference.num_layers; k++) {
    for (const name of Object.values(layerNames(k))) {
      shapes.set(name, shapeOf(reference.params[name] ?? []));
    }
  }
  return shapes;
}
