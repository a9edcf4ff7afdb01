/** A stack of recurrent layers: layer k > 0 reads layer k-1's outputs (after dropout). */
import * as tf from '@tensorflow/tfjs-core';
import type { CellState, RecurrentCell } from './cells/cell';
import { splitSteps } from './splitSteps';
import { layerBackward, layerForward, type LayerForward, type LayerParams } from './recurrentLayer';

export interface StackForward {
  layers: LayerForward[];
  /** Inverted-dropout masks applied to the outputs of each layer but the last (training only). */
  masks: (tf.Tensor2D | undefined)[];
  /** The last layer's outputs: [T*B, H]. */
  top: tf.Tensor2D;
  /** The last layer's final hidden state: [B, H]. */
  last: tf.Tensor2D;
}

export interface StackBackward {
  gradients: LayerParams[];
  dInput?: tf.Tensor2D;
  dInitial: CellState[];
  /** ∂L/∂h_t per layer and step. */
  dHidden: tf.Tensor2D[][];
}

export function stackForward(
  cell: RecurrentCell,
  params: LayerParams[],
  input: tf.Tensor2D,
  batch: number,
  initial: CellState[],
  masks: (tf.Tensor2D | undefined)[] = [],
): StackForward {
  const layers: LayerForward[] = [];
  let current = input;
  params.forEach((layer, k) => {
    const forward = layerForward(cell, layer, current, batch, initial[k]);
    layers.push(forward);
    const mask = masks[k];
    current = mask ? (tf.mul(forward.outputs, mask) as tf.Tensor2D) : forward.outputs;
  });
  const topLayer = layers[layers.length - 1];
  return { layers, masks, top: topLayer.outputs, last: topLayer.records[topLayer.records.length - 1].state.h };
}

/** `dTop[t]`: ∂L/∂h_t of the last layer from the head (undefined where the head does not read h_t). */
export function stackBackward(
  cell: RecurrentCell,
  params: LayerParams[],
  forward: StackForward,
  dTop: (tf.Tensor2D | undefined)[],
  options: { needInputGradient: boolean; dFinal?: CellState[] },
): StackBackward {
  const count = params.length;
  const gradients: LayerParams[] = new Array(count);
  const dInitial: CellState[] = new Array(count);
  const dHidden: tf.Tensor2D[][] = new Array(count);
  let dOutputs = dTop;
  let dInput: tf.Tensor2D | undefined;
  for (let k = count - 1; k >= 0; k--) {
    const backward = layerBackward(cell, params[k], forward.layers[k], dOutputs, {
      needInputGradient: k > 0 || options.needInputGradient,
      dFinal: options.dFinal?.[k],
    });
    gradients[k] = backward.gradients;
    dInitial[k] = backward.dInitial;
    dHidden[k] = backward.dHidden;
    if (k > 0) {
      const mask = forward.masks[k - 1];
      const dBelow = backward.dInput as tf.Tensor2D;
      dOutputs = splitSteps(mask ? (tf.mul(dBelow, mask) as tf.Tensor2D) : dBelow, dTop.length);
    } else {
      dInput = backward.dInput;
    }
  }
  return { gradients, dInput, dInitial, dHidden };
}

/** A zero state for every layer. */
export function zeroStates(cell: RecurrentCell, layers: number, batch: number, hidden: number): CellState[] {
  return Array.from({ length: layers }, () => ({
    h: tf.zeros([batch, hidden]) as tf.Tensor2D,
    c: cell.description.hasCellState ? (tf.zeros([batch, hidden]) as tf.Tensor2D) : undefined,
  }));
}
