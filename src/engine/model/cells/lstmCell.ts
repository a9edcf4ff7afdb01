/**
 * LSTM as PyTorch defines it, gates in the order i, f, g, o:
 *   i, f, o = sigmoid(.), g = tanh(.), c_t = f * c_{t-1} + i * g, h_t = o * tanh(c_t).
 */
import * as tf from '@tensorflow/tfjs-core';
import { CELLS } from '../cellDescriptions';
import type { CellState, CellWeights, ForwardWeights, RecurrentCell, StepGradients, StepRecord } from './cell';

export class LstmCell implements RecurrentCell {
  readonly description = CELLS.lstm;

  step(inputGates: tf.Tensor2D, previous: CellState, weights: ForwardWeights): StepRecord {
    const gates = tf.add(tf.add(inputGates, tf.matMul(previous.h, weights.whhT)), weights.bhh);
    const [ai, af, ag, ao] = tf.split(gates, 4, 1) as tf.Tensor2D[];
    const i = tf.sigmoid(ai);
    const f = tf.sigmoid(af);
    const g = tf.tanh(ag);
    const o = tf.sigmoid(ao);
    const c = tf.add(tf.mul(f, previous.c as tf.Tensor2D), tf.mul(i, g)) as tf.Tensor2D;
    const tanhC = tf.tanh(c);
    const h = tf.mul(o, tanhC) as tf.Tensor2D;
    return { state: { h, c }, quantities: { h, c, i, f, g, o }, saved: [tanhC] };
  }

  backward(record: StepRecord, previous: CellState, dState: CellState, weights: CellWeights): StepGradients {
    const { i, f, g, o } = record.quantities as Record<'i' | 'f' | 'g' | 'o', tf.Tensor2D>;
    const [tanhC] = record.saved;
    const dO = tf.mul(dState.h, tanhC);
    const dC = tf.add(dState.c as tf.Tensor2D, tf.mul(tf.mul(dState.h, o), tf.sub(1, tf.square(tanhC))));
    const dI = tf.mul(dC, g);
    const dG = tf.mul(dC, i);
    const dF = tf.mul(dC, previous.c as tf.Tensor2D);
    const dGates = tf.concat([sigmoidBackward(dI, i), sigmoidBackward(dF, f), tf.mul(dG, tf.sub(1, tf.square(g))), sigmoidBackward(dO, o)], 1) as tf.Tensor2D;
    return {
      dInputGates: dGates,
      dHiddenGates: dGates,
      dPrevious: { h: tf.matMul(dGates, weights.whh), c: tf.mul(dC, f) as tf.Tensor2D },
    };
  }
}

/** ∂L/∂a for y = sigmoid(a), given ∂L/∂y and y. */
export function sigmoidBackward(dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
}
