/**
 * One recurrent cell on tfjs ops, with an explicit forward step and its backward step.
 * Shapes: batch B, hidden H, state width P (the projection's size, else H), gate count G
 * (`CellDescription.gates`). Weights are stored transposed with respect to PyTorch (`[in, G*H]`)
 * so that every product is a plain `matMul` (the fast path). Biases are absent with `bias: false`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ProbeQuantity } from '../../events';
import type { CellDescription } from '../cellDescriptions';

export interface CellWeights {
  /** W_hh transposed: [P, G*H]. */
  whhT: tf.Tensor2D;
  /** W_hh as PyTorch stores it: [G*H, P] (used by the backward step). */
  whh: tf.Tensor2D;
  /** b_hh: [G*H]. */
  bhh?: tf.Tensor1D;
  /** LSTM projection W_hr transposed: [H, P]. */
  whrT?: tf.Tensor2D;
}

/** What a forward step needs: the backward step also needs `whh`. */
export type ForwardWeights = Pick<CellWeights, 'whhT' | 'bhh' | 'whrT'>;

export interface CellState {
  h: tf.Tensor2D;
  /** LSTM cell state. */
  c?: tf.Tensor2D;
}

/** What one forward step produced and what its backward step needs. */
export interface StepRecord {
  state: CellState;
  /** The recorded quantities for probes: h, and c and the gates where the cell has them. */
  quantities: Partial<Record<ProbeQuantity, tf.Tensor2D>>;
  /** Cell-specific values kept for the backward step. */
  saved: tf.Tensor2D[];
  /** LSTM with a projection: o ⊙ tanh(c_t), [B, H], which W_hr projects to h_t. */
  projectionInput?: tf.Tensor2D;
}

export interface StepGradients {
  /** ∂L/∂(x_t W_ih^T + b_ih): [B, G*H]. */
  dInputGates: tf.Tensor2D;
  /** ∂L/∂(h_{t-1} W_hh^T + b_hh): [B, G*H]. */
  dHiddenGates: tf.Tensor2D;
  /** Gradient flowing to the previous state. */
  dPrevious: CellState;
}

export interface RecurrentCell {
  /** Its gates (G of them), the quantities a probe records of it, whether it has a cell state. */
  readonly description: CellDescription;
  /**
   * One time step. `inputGates` is x_t W_ih^T (+ b_ih) for this step, [B, G*H].
   */
  step(inputGates: tf.Tensor2D, previous: CellState, weights: ForwardWeights): StepRecord;
  /**
   * The backward step. `dState` is ∂L/∂h_t (and ∂L/∂c_t) in total: from the layer above
   * or the head, plus what flowed back from step t+1.
   */
  backward(record: StepRecord, previous: CellState, dState: CellState, weights: CellWeights): StepGradients;
}

/** h W_hh^T (+ b_hh): the recurrent part of the gates. */
export function hiddenGates(h: tf.Tensor2D, weights: ForwardWeights): tf.Tensor2D {
  const product: tf.Tensor2D = tf.matMul(h, weights.whhT);
  return weights.bhh ? (tf.add(product, weights.bhh) as tf.Tensor2D) : product;
}
