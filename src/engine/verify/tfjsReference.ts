/**
 * The reference engine's side of `verify-reference`: the problem's stack forward on tfjs ops
 * from the given initial states and backward for loss = sum(output²) (+ sum(h_n²) where the file
 * says so), in PyTorch's layouts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createCell } from '../model/cells';
import type { CellState } from '../model/cells/cell';
import { directionCount, stateWidth } from '../model/parameterLayout';
import { directionParams, fromStateDict, gradientMap, isMatrix } from '../model/parameters';
import { stackBackward, stackForward } from '../model/recurrentStack';
import { stepMasks } from '../model/recurrentLayer';
import { splitSteps } from '../model/splitSteps';
import type { ComputedQuantities, ReferenceProblem } from './problem';

export function computeWithTfjs(problem: ReferenceProblem): ComputedQuantities {
  const { batch, steps, hidden, inputSize: inputs } = problem;
  const model = { layers: problem.layers, bidirectional: problem.bidirectional, bias: problem.bias, projSize: problem.projSize, hiddenSize: hidden };
  const count = model.layers * directionCount(model);
  const width = stateWidth(model);
  const cell = createCell({ cell: problem.cell, nonlinearity: problem.relu ? 'relu' : 'tanh' });
  const shapes = new Map(Object.entries(problem.weights).map(([name, entry]) => [name, entry.shape]));
  const params = directionParams(fromStateDict(problem.weights, shapes), model);

  // [B, T, I] → time-major rows [T*B, I].
  const x = tf.tensor3d(problem.x, [batch, steps, inputs]);
  const input = tf.reshape(tf.transpose(x, [1, 0, 2]), [steps * batch, inputs]) as tf.Tensor2D;
  const h0 = tf.unstack(tf.tensor3d(problem.h0, [count, batch, width])) as tf.Tensor2D[];
  const c0 = problem.c0 ? (tf.unstack(tf.tensor3d(problem.c0, [count, batch, hidden])) as tf.Tensor2D[]) : undefined;
  const initial: CellState[] = h0.map((h, index) => ({ h, c: c0?.[index] }));

  const masks = problem.lengths ? stepMasks(problem.lengths, steps) : undefined;
  const forward = stackForward(cell, params, input, batch, initial, { directions: directionCount(model), stepMasks: masks });
  const finalStates = forward.directions.map((direction) => direction.final);
  const dTop = splitSteps(tf.mul(forward.top, 2) as tf.Tensor2D, steps);
  const dFinal = problem.lossIncludesFinalState ? finalStates.map((state) => ({ h: tf.mul(state.h, 2) as tf.Tensor2D })) : undefined;
  const backward = stackBackward(cell, params, forward, dTop, { needInputGradient: true, dFinal });

  const values = (tensor: tf.Tensor) => tensor.dataSync() as Float32Array;
  const batchMajor = (rows: tf.Tensor2D) => values(tf.transpose(tf.reshape(rows, [steps, batch, rows.shape[1]]), [1, 0, 2]));
  const parameterGradients: Record<string, Float32Array> = {};
  for (const [name, gradient] of gradientMap(model, backward.gradients)) {
    parameterGradients[name] = values(isMatrix(name) ? tf.transpose(gradient) : gradient);
  }
  const hN = tf.stack(finalStates.map((s) => s.h));
  const loss = tf.add(tf.sum(tf.square(forward.top)), problem.lossIncludesFinalState ? tf.sum(tf.square(hN)) : 0);
  return {
    output: batchMajor(forward.top),
    hN: values(hN),
    cN: cell.description.hasCellState ? values(tf.stack(finalStates.map((s) => s.c as tf.Tensor2D))) : undefined,
    loss: loss.dataSync()[0],
    parameterGradients,
    x: batchMajor(backward.dInput as tf.Tensor2D),
    h0: values(tf.stack(backward.dInitial.map((s) => s.h))),
    c0: cell.description.hasCellState ? values(tf.stack(backward.dInitial.map((s) => s.c as tf.Tensor2D))) : undefined,
  };
}
