/**
 * One direction of one recurrent layer through time, forward and backward (BPTT).
 * Sequences are time-major and flattened: row t*B + b holds sample b at step t.
 * The input projection of all steps is one matrix product before the loop, and the
 * weight gradients are one product each after it, as cuDNN does.
 *
 * The reverse direction runs the same recurrence over the steps in reverse order. Packed
 * sequences come as per-step masks [B, 1] (1 at a sample's real steps, 0 at its padding):
 * at a padded step the state passes through unchanged and the output is 0, so the forward
 * direction's state stops at each sample's last real step and the reverse direction starts
 * there from its initial state (PyTorch's packed semantics). Nothing flows back through padding.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CellState, RecurrentCell, StepRecord } from './cells/cell';
import { splitSteps } from './splitSteps';

export interface LayerParams {
  /** W_ih transposed: [in, G*H]. */
  wihT: tf.Tensor2D;
  /** W_hh transposed: [P, G*H]. */
  whhT: tf.Tensor2D;
  /** Absent with `bias: false`. */
  bih?: tf.Tensor1D;
  bhh?: tf.Tensor1D;
  /** LSTM projection W_hr transposed: [H, P]. */
  whrT?: tf.Tensor2D;
}

export interface LayerForward {
  /** [T*B, in]. */
  input: tf.Tensor2D;
  initial: CellState;
  /** In processing order: time order forward, reversed time order for the reverse direction. */
  records: StepRecord[];
  /** h for every step in time order (0 at padded steps): [T*B, P]. */
  outputs: tf.Tensor2D;
  /** The state after each processed step, in processing order (at padded steps: the one carried through). */
  states: CellState[];
  /** The last of `states`: after each sample's last real step (forward) or after step 0 (reverse). */
  final: CellState;
  batch: number;
  reverse: boolean;
  /** Per step in time order, [B, 1]; absent when every step is real. */
  masks?: tf.Tensor2D[];
}

export interface LayerBackward {
  gradients: LayerParams;
  /** [T*B, in], when asked for. */
  dInput?: tf.Tensor2D;
  dInitial: CellState;
  /** ∂L/∂h_t entering the cell, for every step in time order (0 at padded steps): [B, P] each. */
  dHidden: tf.Tensor2D[];
}

/** The time steps in the order a direction reads them. */
export function processingOrder(steps: number, reverse: boolean): number[] {
  const order = Array.from({ length: steps }, (_, t) => t);
  return reverse ? order.reverse() : order;
}

/** Per step, [B, 1]: 1 where step t < lengths[b]. */
export function stepMasks(lengths: ArrayLike<number>, steps: number): tf.Tensor2D[] {
  const batch = lengths.length;
  return Array.from({ length: steps }, (_, t) =>
    tf.tensor2d(
      Array.from({ length: batch }, (_, b) => (t < lengths[b] ? 1 : 0)),
      [batch, 1],
    ),
  );
}

/** The input side of every gate for the rows of `input`: x W_ih^T (+ b_ih), [rows, G*H]. */
export function inputGates(input: tf.Tensor2D, params: LayerParams): tf.Tensor2D {
  const product: tf.Tensor2D = tf.matMul(input, params.wihT);
  return params.bih ? (tf.add(product, params.bih) as tf.Tensor2D) : product;
}

/** mask ⊙ next + (1 - mask) ⊙ previous. */
function keepWhereMasked(mask: tf.Tensor2D, next: tf.Tensor2D, previous: tf.Tensor2D): tf.Tensor2D {
  return tf.add(previous, tf.mul(mask, tf.sub(next, previous))) as tf.Tensor2D;
}

function masked(mask: tf.Tensor2D | undefined, value: tf.Tensor2D): tf.Tensor2D {
  return mask ? (tf.mul(value, mask) as tf.Tensor2D) : value;
}

export function layerForward(
  cell: RecurrentCell,
  params: LayerParams,
  input: tf.Tensor2D,
  batch: number,
  initial: CellState,
  options: { reverse?: boolean; masks?: tf.Tensor2D[] } = {},
): LayerForward {
  const steps = input.shape[0] / batch;
  const reverse = options.reverse ?? false;
  const masks = options.masks;
  const stepGates = splitSteps(inputGates(input, params), steps);
  const records: StepRecord[] = [];
  const states: CellState[] = [];
  const outputs: tf.Tensor2D[] = new Array(steps);
  let state = initial;
  for (const t of processingOrder(steps, reverse)) {
    const record = cell.step(stepGates[t], state, params);
    records.push(record);
    const mask = masks?.[t];
    outputs[t] = masked(mask, record.state.h);
    state = mask
      ? { h: keepWhereMasked(mask, record.state.h, state.h), c: record.state.c && keepWhereMasked(mask, record.state.c, state.c as tf.Tensor2D) }
      : record.state;
    states.push(state);
  }
  return { input, initial, records, states, outputs: tf.concat(outputs, 0) as tf.Tensor2D, final: state, batch, reverse, masks };
}

/**
 * Backward through time. `dOutputs[t]` is ∂L/∂(output at step t) from above ([B, P]; undefined
 * where nothing reads it); `dFinal` adds gradients on the final state (the head's, or losses on h_n, c_n).
 */
export function layerBackward(
  cell: RecurrentCell,
  params: LayerParams,
  forward: LayerForward,
  dOutputs: (tf.Tensor2D | undefined)[],
  options: { needInputGradient: boolean; dFinal?: CellState },
): LayerBackward {
  const { records, initial, masks } = forward;
  const steps = records.length;
  const weights = { whhT: params.whhT, whh: tf.transpose(params.whhT), bhh: params.bhh, whrT: params.whrT };
  let carry: CellState = {
    h: options.dFinal?.h ?? tf.zerosLike(initial.h),
    c: initial.c ? (options.dFinal?.c ?? tf.zerosLike(initial.c)) : undefined,
  };
  const order = processingOrder(steps, forward.reverse);
  const dInputGates: tf.Tensor2D[] = new Array(steps);
  const dHiddenGates: tf.Tensor2D[] = new Array(steps);
  const dHidden: tf.Tensor2D[] = new Array(steps);
  for (let i = steps - 1; i >= 0; i--) {
    const t = order[i];
    const previous = stateBefore(forward, i);
    const mask = masks?.[t];
    const fromAbove = dOutputs[t];
    const dh = masked(mask, fromAbove ? (tf.add(fromAbove, carry.h) as tf.Tensor2D) : carry.h);
    const dc = carry.c && masked(mask, carry.c);
    dHidden[t] = dh;
    const step = cell.backward(records[i], previous, { h: dh, c: dc }, weights);
    dInputGates[t] = step.dInputGates;
    dHiddenGates[t] = step.dHiddenGates;
    carry = mask ? passThroughPadding(mask, step.dPrevious, carry) : step.dPrevious;
  }
  const previousByTime: tf.Tensor2D[] = new Array(steps);
  order.forEach((t, i) => (previousByTime[t] = stateBefore(forward, i).h));
  const previousHidden = tf.concat(previousByTime, 0);
  const allInputGates = tf.concat(dInputGates, 0) as tf.Tensor2D;
  const allHiddenGates = tf.concat(dHiddenGates, 0) as tf.Tensor2D;
  const gradients: LayerParams = {
    wihT: tf.matMul(forward.input, allInputGates, true, false),
    whhT: tf.matMul(previousHidden, allHiddenGates, true, false),
    bih: params.bih && (tf.sum(allInputGates, 0) as tf.Tensor1D),
    bhh: params.bhh && (tf.sum(allHiddenGates, 0) as tf.Tensor1D),
    whrT: params.whrT && projectionGradient(forward, order, dHidden),
  };
  const dInput = options.needInputGradient ? (tf.matMul(allInputGates, params.wihT, false, true) as tf.Tensor2D) : undefined;
  return { gradients, dInput, dInitial: carry, dHidden };
}

/** The state the i-th processed step started from. */
function stateBefore(forward: LayerForward, i: number): CellState {
  return i > 0 ? forward.states[i - 1] : forward.initial;
}

/** At a padded step the state passed through: its gradient goes to the previous state unchanged. */
function passThroughPadding(mask: tf.Tensor2D, fromCell: CellState, carry: CellState): CellState {
  const skipped = tf.sub(1, mask);
  return {
    h: tf.add(fromCell.h, tf.mul(skipped, carry.h)) as tf.Tensor2D,
    c: fromCell.c && (tf.add(fromCell.c, tf.mul(skipped, carry.c as tf.Tensor2D)) as tf.Tensor2D),
  };
}

/** ∂L/∂W_hr^T = Σ_t (o ⊙ tanh c_t)^T ∂L/∂h_t: [H, P]. */
function projectionGradient(forward: LayerForward, order: number[], dHidden: tf.Tensor2D[]): tf.Tensor2D {
  const inputs = tf.concat(
    forward.records.map((record) => record.projectionInput as tf.Tensor2D),
    0,
  );
  const gradients = tf.concat(
    order.map((t) => dHidden[t]),
    0,
  );
  return tf.matMul(inputs, gradients, true, false);
}
