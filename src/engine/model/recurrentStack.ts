/**
 * A stack of recurrent layers, each with one or two directions: layer k > 0 reads layer k-1's
 * output [forward, reverse] (after dropout). Directions are listed flat, in PyTorch's order
 * l0, l0_reverse, l1, …: index k·D + d.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { CellState, RecurrentCell } from './cells/cell';
import { splitSteps } from './splitSteps';
import { layerBackward, layerForward, type LayerForward, type LayerParams } from './recurrentLayer';

export interface StackOptions {
  /** 1 or 2. */
  directions: number;
  /** Inverted-dropout masks on the outputs of each layer but the last (training only): [T*B, D*P]. */
  dropout?: (tf.Tensor2D | undefined)[];
  /** Packed sequences: per step [B, 1], 1 at real steps (see `stepMasks`). */
  stepMasks?: tf.Tensor2D[];
}

export interface StackForward {
  /** Every layer's directions, flat (index k·D + d). */
  directions: LayerForward[];
  directionCount: number;
  dropout: (tf.Tensor2D | undefined)[];
  /** The last layer's outputs, [forward, reverse] per step: [T*B, D*P]. */
  top: tf.Tensor2D;
  /** The last layer's final hidden states side by side, [h_fwd(last real step), h_rev(step 0)]: [B, D*P]. */
  last: tf.Tensor2D;
}

export interface StackBackward {
  /** Per direction, flat like the forward's. */
  gradients: LayerParams[];
  dInput?: tf.Tensor2D;
  dInitial: CellState[];
  /** ∂L/∂h_t per direction (flat) and step, in time order. */
  dHidden: tf.Tensor2D[][];
}

export function stackForward(
  cell: RecurrentCell,
  params: LayerParams[],
  input: tf.Tensor2D,
  batch: number,
  initial: CellState[],
  options: StackOptions,
): StackForward {
  const count = options.directions;
  const layerCount = params.length / count;
  const dropout = options.dropout ?? [];
  const directions: LayerForward[] = [];
  let current = input;
  for (let k = 0; k < layerCount; k++) {
    const layer = Array.from({ length: count }, (_, d) =>
      layerForward(cell, params[k * count + d], current, batch, initial[k * count + d], { reverse: d === 1, masks: options.stepMasks }),
    );
    directions.push(...layer);
    const outputs = sideBySide(layer.map((direction) => direction.outputs));
    const mask = dropout[k];
    current = mask ? (tf.mul(outputs, mask) as tf.Tensor2D) : outputs;
  }
  const topLayer = directions.slice(-count);
  return {
    directions,
    directionCount: count,
    dropout,
    top: sideBySide(topLayer.map((direction) => direction.outputs)),
    last: sideBySide(topLayer.map((direction) => direction.final.h)),
  };
}

/**
 * `dTop[t]`: ∂L/∂(top output at step t), [B, D*P] (undefined where nothing reads it);
 * `dFinal`: gradients on every direction's final state (flat; the head's reading of `last`, or losses on h_n).
 */
export function stackBackward(
  cell: RecurrentCell,
  params: LayerParams[],
  forward: StackForward,
  dTop: (tf.Tensor2D | undefined)[],
  options: { needInputGradient: boolean; dFinal?: (CellState | undefined)[] },
): StackBackward {
  const count = forward.directionCount;
  const total = params.length;
  const gradients: LayerParams[] = new Array(total);
  const dInitial: CellState[] = new Array(total);
  const dHidden: tf.Tensor2D[][] = new Array(total);
  let dOutputs = dTop;
  let dInput: tf.Tensor2D | undefined;
  for (let k = total / count - 1; k >= 0; k--) {
    const perDirection = dOutputs.map((d) => (d && count > 1 ? tf.split(d, count, 1) : d && [d]));
    const dInputs: tf.Tensor2D[] = [];
    for (let d = 0; d < count; d++) {
      const index = k * count + d;
      const backward = layerBackward(
        cell,
        params[index],
        forward.directions[index],
        perDirection.map((parts) => parts?.[d] as tf.Tensor2D | undefined),
        { needInputGradient: k > 0 || options.needInputGradient, dFinal: options.dFinal?.[index] },
      );
      gradients[index] = backward.gradients;
      dInitial[index] = backward.dInitial;
      dHidden[index] = backward.dHidden;
      if (backward.dInput) dInputs.push(backward.dInput);
    }
    const dBelow = dInputs.length > 0 ? (tf.addN(dInputs) as tf.Tensor2D) : undefined;
    if (k > 0) {
      const mask = forward.dropout[k - 1];
      const dLayerOutput = dBelow as tf.Tensor2D;
      dOutputs = splitSteps(mask ? (tf.mul(dLayerOutput, mask) as tf.Tensor2D) : dLayerOutput, dTop.length);
    } else {
      dInput = dBelow;
    }
  }
  return { gradients, dInput, dInitial, dHidden };
}

/** The top layer's final-state gradients from ∂L/∂last ([B, D*P]), flat over every direction (others undefined). */
export function finalStateGradients(forward: StackForward, dLast: tf.Tensor2D): (CellState | undefined)[] {
  const count = forward.directionCount;
  const parts = count > 1 ? tf.split(dLast, count, 1) : [dLast];
  const result: (CellState | undefined)[] = new Array(forward.directions.length).fill(undefined);
  parts.forEach((h, d) => (result[forward.directions.length - count + d] = { h: h as tf.Tensor2D }));
  return result;
}

/** A zero state for every direction of every layer: h is P wide, c H wide. */
export function zeroStates(cell: RecurrentCell, count: number, batch: number, widths: { state: number; hidden: number }): CellState[] {
  return Array.from({ length: count }, () => ({
    h: tf.zeros([batch, widths.state]) as tf.Tensor2D,
    c: cell.description.hasCellState ? (tf.zeros([batch, widths.hidden]) as tf.Tensor2D) : undefined,
  }));
}

function sideBySide(parts: tf.Tensor2D[]): tf.Tensor2D {
  return parts.length === 1 ? parts[0] : (tf.concat(parts, 1) as tf.Tensor2D);
}
