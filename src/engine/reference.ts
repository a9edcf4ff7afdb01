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
import { fromStateDict, layerNames, layerParams, stateDictEntry } from './model/parameters';
import type { StateDict } from './model/types';
import type { EngineKind } from './engines';
import { computeWithKernels } from './kernels/kernelReference';
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

/** What an engine computed for a reference file, flattened in PyTorch's layouts. */
export interface ComputedQuantities {
  /** [B, T, H]: the top layer's outputs. */
  output: Float32Array;
  /** [layers, B, H]. */
  hN: Float32Array;
  cN?: Float32Array;
  loss: number;
  /** Parameter gradients by PyTorch name and layout. */
  parameterGradients: Record<string, Float32Array>;
  /** [B, T, I]. */
  x: Float32Array;
  /** [layers, B, H]. */
  h0: Float32Array;
  c0?: Float32Array;
}

export function verifyReferenceFile(file: string, engine: EngineKind): ReferenceReport {
  const reference = JSON.parse(readFileSync(file, 'utf8')) as ReferenceFile;
  const problem = referenceProblem(reference);
  const computed = engine === 'tfjs' ? scoped(() => computeWithTfjs(problem)) : computeWithKernels(problem);
  const rows = compareQuantities(reference, computed);
  return { file, cell: reference.cell, rows, passed: rows.every((row) => row.maxAbsError <= REFERENCE_TOLERANCE) };
}

/** The reference problem in plain arrays: the weights (PyTorch layout), inputs and initial states. */
export interface ReferenceProblem {
  cell: CellType;
  relu: boolean;
  layers: number;
  inputSize: number;
  hidden: number;
  steps: number;
  batch: number;
  weights: StateDict;
  /** [B, T, I]. */
  x: Float32Array;
  /** [layers, B, H]. */
  h0: Float32Array;
  c0?: Float32Array;
}

function referenceProblem(reference: ReferenceFile): ReferenceProblem {
  return {
    cell: reference.cell,
    relu: reference.nonlinearity === 'relu',
    layers: reference.num_layers,
    inputSize: reference.input_size,
    hidden: reference.hidden_size,
    steps: reference.seq_len,
    batch: reference.batch,
    weights: referenceWeights(reference),
    x: Float32Array.from(flatten(reference.x)),
    h0: Float32Array.from(flatten(reference.h0)),
    c0: reference.c0 ? Float32Array.from(flatten(reference.c0)) : undefined,
  };
}

/** The file's recurrent parameters, each checked against the shape its layer needs. */
function referenceWeights(reference: ReferenceFile): StateDict {
  const weights = stateDictFromJson(reference.params, 'params');
  const expected = expectedShapes(reference);
  return Object.fromEntries([...expected].map(([name, shape]) => [name, stateDictEntry(weights, name, shape)]));
}

function computeWithTfjs(problem: ReferenceProblem): ComputedQuantities {
  const { batch, steps, layers, hidden, inputSize: inputs } = problem;
  const cell = createCell({ cell: problem.cell, nonlinearity: problem.relu ? 'relu' : 'tanh' });
  const shapes = new Map(Object.entries(problem.weights).map(([name, entry]) => [name, entry.shape]));
  const params = fromStateDict(problem.weights, shapes);
  const layerList: LayerParams[] = Array.from({ length: layers }, (_, k) => layerParams(params, k));

  // [B, T, I] → time-major rows [T*B, I].
  const x = tf.tensor3d(problem.x, [batch, steps, inputs]);
  const input = tf.reshape(tf.transpose(x, [1, 0, 2]), [steps * batch, inputs]) as tf.Tensor2D;
  const h0 = tf.tensor3d(problem.h0, [layers, batch, hidden]);
  const c0 = problem.c0 ? tf.tensor3d(problem.c0, [layers, batch, hidden]) : undefined;
  const initial: CellState[] = Array.from({ length: layers }, (_, k) => ({
    h: tf.squeeze(tf.slice(h0, [k, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D,
    c: c0 && (tf.squeeze(tf.slice(c0, [k, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D),
  }));

  const forward = stackForward(cell, layerList, input, batch, initial);
  const finalStates = forward.layers.map((layer) => layer.records[steps - 1].state);
  const dTop = splitSteps(tf.mul(forward.top, 2) as tf.Tensor2D, steps);
  const backward = stackBackward(cell, layerList, forward, dTop, { needInputGradient: true });

  const values = (tensor: tf.Tensor) => tensor.dataSync() as Float32Array;
  const batchMajor = (rows: tf.Tensor2D, width: number) => values(tf.transpose(tf.reshape(rows, [steps, batch, width]), [1, 0, 2]));
  const parameterGradients: Record<string, Float32Array> = {};
  backward.gradients.forEach((gradients, k) => {
    const names = layerNames(k);
    parameterGradients[names.wihT] = values(tf.transpose(gradients.wihT));
    parameterGradients[names.whhT] = values(tf.transpose(gradients.whhT));
    parameterGradients[names.bih] = values(gradients.bih);
    parameterGradients[names.bhh] = values(gradients.bhh);
  });
  return {
    output: batchMajor(forward.top, hidden),
    hN: values(tf.stack(finalStates.map((s) => s.h))),
    cN: cell.hasCellState ? values(tf.stack(finalStates.map((s) => s.c as tf.Tensor2D))) : undefined,
    loss: tf.sum(tf.square(forward.top)).dataSync()[0],
    parameterGradients,
    x: batchMajor(backward.dInput as tf.Tensor2D, inputs),
    h0: values(tf.stack(backward.dInitial.map((s) => s.h))),
    c0: cell.hasCellState ? values(tf.stack(backward.dInitial.map((s) => s.c as tf.Tensor2D))) : undefined,
  };
}

function compareQuantities(reference: ReferenceFile, computed: ComputedQuantities): ReferenceRow[] {
  const rows: ReferenceRow[] = [
    row('output', computed.output, reference.output),
    row('h_n', computed.hN, reference.h_n),
    { quantity: 'loss', maxAbsError: Math.abs(computed.loss - reference.loss_value) },
  ];
  if (reference.c_n) {
    rows.push(row('c_n', computed.cN, reference.c_n));
  }
  for (let k = 0; k < reference.num_layers; k++) {
    for (const name of Object.values(layerNames(k))) {
      rows.push(row(`grad ${name}`, computed.parameterGradients[name], reference.grads[name]));
    }
  }
  rows.push(row('grad x', computed.x, reference.grads.x), row('grad h0', computed.h0, reference.grads.h0));
  if (reference.grads.c0) {
    rows.push(row('grad c0', computed.c0, reference.grads.c0));
  }
  return rows;
}

function row(quantity: string, actual: Float32Array | undefined, expected: Nested | undefined): ReferenceRow {
  if (expected === undefined) {
    throw new Error(`the reference file has no "${quantity}"`);
  }
  const want = flatten(expected);
  const got = actual ?? new Float32Array(0);
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
