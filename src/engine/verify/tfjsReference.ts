/**
 * The reference engine's side of `verify-reference`: the problem's stack forward on tfjs ops
 * from the given initial states and backward for loss = sum(output²), in PyTorch's layouts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createCell } from '../model/cells';
import type { CellState } from '../model/cells/cell';
import { fromStateDict, layerNames, layerParams } from '../model/parameters';
import { stackBackward, stackForward } from '../model/recurrentStack';
import type { LayerParams } from '../model/recurrentLayer';
import { splitSteps } from '../model/splitSteps';
import type { ComputedQuantities, ReferenceProblem } from './problem';

export function computeWithTfjs(problem: ReferenceProblem): ComputedQuantities {
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
    cN: cell.description.hasCellState ? values(tf.stack(finalStates.map((s) => s.c as tf.Tensor2D))) : undefined,
    loss: tf.sum(tf.square(forward.top)).dataSync()[0],
    parameterGradients,
    x: batchMajor(backward.dInput as tf.Tensor2D, inputs),
    h0: values(tf.stack(backward.dInitial.map((s) => s.h))),
    c0: cell.description.hasCellState ? values(tf.stack(backward.dInitial.map((s) => s.c as tf.Tensor2D))) : undefined,
  };
}
