/**
 * One recurrent layer through time, forward and backward (BPTT).
 * Sequences are time-major and flattened: row t*B + b holds sample b at step t.
 * The input projection of all steps is one matrix product before the loop, and the
 * weight gradients are one product each after it, as cuDNN does.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CellState, RecurrentCell, StepRecord } from './cells/cell';
import { splitSteps } from './splitSteps';

export interface LayerParams {
  /** W_ih transposed: [in, G*H]. */
  wihT: tf.Tensor2D;
  /** W_hh transposed: [H, G*H]. */
  whhT: tf.Tensor2D;
  bih: tf.Tensor1D;
  bhh: tf.Tensor1D;
}

export interface LayerForward {
  /** [T*B, in]. */
  input: tf.Tensor2D;
  initial: CellState;
  records: StepRecord[];
  /** h for every step: [T*B, H]. */
  outputs: tf.Tensor2D;
  batch: number;
}

export interface LayerBackward {
  gradients: LayerParams;
  /** [T*B, in], when asked for. */
  dInput?: tf.Tensor2D;
  dInitial: CellState;
  /** ∂L/∂h_t in total, for every step: [B, H] each. */
  dHidden: tf.Tensor2D[];
}

export function layerForward(cell: RecurrentCell, params: LayerParams, input: tf.Tensor2D, batch: number, initial: CellState): LayerForward {
  const steps = input.shape[0] / batch;
  const inputGates = tf.add(tf.matMul(input, params.wihT), params.bih) as tf.Tensor2D;
  const weights = { whhT: params.whhT, bhh: params.bhh };
  const records: StepRecord[] = [];
  let state = initial;
  for (const stepGates of splitSteps(inputGates, steps)) {
    const record = cell.step(stepGates, state, weights);
    records.push(record);
    state = record.state;
  }
  const outputs = tf.concat(
    records.map((r) => r.state.h),
    0,
  ) as tf.Tensor2D;
  return { input, initial, records, outputs, batch };
}

/**
 * Backward through time. `dOutputs[t]` is ∂L/∂h_t from above ([B, H]; undefined where nothing
 * reads h_t); `dFinal` adds gradients on the final state (for losses on h_n, c_n).
 */
export function layerBackward(
  cell: RecurrentCell,
  params: LayerParams,
  forward: LayerForward,
  dOutputs: (tf.Tensor2D | undefined)[],
  options: { needInputGradient: boolean; dFinal?: CellState },
): LayerBackward {
  const { records, batch, initial } = forward;
  const steps = records.length;
  const weights = { whhT: params.whhT, whh: tf.transpose(params.whhT), bhh: params.bhh };
  const hidden = params.whhT.shape[0];
  let carry: CellState = {
    h: options.dFinal?.h ?? tf.zeros([batch, hidden]),
    c: cell.description.hasCellState ? (options.dFinal?.c ?? tf.zeros([batch, hidden])) : undefined,
  };
  const dInputGates: tf.Tensor2D[] = new Array(steps);
  const dHiddenGates: tf.Tensor2D[] = new Array(steps);
  const dHidden: tf.Tensor2D[] = new Array(steps);
  for (let t = steps - 1; t >= 0; t--) {
    const previous = t > 0 ? records[t - 1].state : initial;
    const fromAbove = dOutputs[t];
    const dh = fromAbove ? (tf.add(fromAbove, carry.h) as tf.Tensor2D) : carry.h;
    dHidden[t] = dh;
    const step = cell.backward(records[t], previous, { h: dh, c: carry.c }, weights);
    dInputGates[t] = step.dInputGates;
    dHiddenGates[t] = step.dHiddenGates;
    carry = step.dPrevious;
  }
  const previousHidden = tf.concat([initial.h, ...records.slice(0, steps - 1).map((r) => r.state.h)], 0);
  const allInputGates = tf.concat(dInputGates, 0) as tf.Tensor2D;
  const allHiddenGates = tf.concat(dHiddenGates, 0) as tf.Tensor2D;
  const gradients: LayerParams = {
    wihT: tf.matMul(tf.transpose(forward.input), allInputGates),
    whhT: tf.matMul(tf.transpose(previousHidden), allHiddenGates),
    bih: tf.sum(allInputGates, 0),
    bhh: tf.sum(allHiddenGates, 0),
  };
  const dInput = options.needInputGradient ? (tf.matMul(allInputGates, tf.transpose(params.wihT)) as tf.Tensor2D) : undefined;
  return { gradients, dInput, dInitial: carry, dHidden };
}
