/**
 * LSTM as PyTorch defines it, gates in the order i, f, g, o:
 *   i, f, o = sigmoid(.), g = tanh(.), c_t = f * c_{t-1} + i * g, h_t = o * tanh(c_t),
 * with a projection (projSize P): h_t = (o * tanh(c_t)) W_hr^T, P wide, while c_t stays H wide.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CELLS } from '../cellDescriptions';
import { hiddenGates, type CellState, type CellWeights, type ForwardWeights, type RecurrentCell, type StepGradients, type StepRecord } from './cell';

export class LstmCell implements RecurrentCell {
  readonly description = CELLS.lstm;

  step(inputGates: tf.Tensor2D, previous: CellState, weights: ForwardWeights): StepRecord {
    const gates = tf.add(inputGates, hiddenGates(previous.h, weights));
    const [ai, af, ag, ao] = tf.split(gates, 4, 1) as tf.Tensor2D[];
    const i = tf.sigmoid(ai);
    const f = tf.sigmoid(af);
    const g = tf.tanh(ag);
    const o = tf.sigmoid(ao);
    const c = tf.add(tf.mul(f, previous.c as tf.Tensor2D), tf.mul(i, g)) as tf.Tensor2D;
    const tanhC = tf.tanh(c);
    const unprojected = tf.mul(o, tanhC) as tf.Tensor2D;
    const h: tf.Tensor2D = weights.whrT ? tf.matMul(unprojected, weights.whrT) : unprojected;
    return { state: { h, c }, quantities: { h, c, i, f, g, o }, saved: [tanhC], projectionInput: weights.whrT ? unprojected : undefined };
  }

  backward(record: StepRecord, previous: CellState, dState: CellState, weights: CellWeights): StepGradients {
    const { i, f, g, o } = record.quantities as Record<'i' | 'f' | 'g' | 'o', tf.Tensor2D>;
    const [tanhC] = record.saved;
    const dUnprojected = weights.whrT ? tf.matMul(dState.h, weights.whrT, false, true) : dState.h;
    const dO = tf.mul(dUnprojected, tanhC);
    const dC = tf.add(dState.c as tf.Tensor2D, tf.mul(tf.mul(dUnprojected, o), tf.sub(1, tf.square(tanhC))));
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
