/**
 * GRU as PyTorch defines it, gates in the order r, z, n; the reset gate multiplies
 * (W_hn h + b_hn), i.e. it is applied after the recurrent product:
 *   r = sigmoid(x W_ir + b_ir + h W_hr + b_hr), z = sigmoid(x W_iz + b_iz + h W_hz + b_hz),
 *   n = tanh(x W_in + b_in + r * (h W_hn + b_hn)), h_t = (1 - z) * n + z * h_{t-1}.
 */
import * as tf from '@tensorflow/tfjs-core';
import { CELLS } from '../cellDescriptions';
import { hiddenGates, type CellState, type CellWeights, type ForwardWeights, type RecurrentCell, type StepGradients, type StepRecord } from './cell';
import { sigmoidBackward } from './lstmCell';

export class GruCell implements RecurrentCell {
  readonly description = CELLS.gru;

  step(inputGates: tf.Tensor2D, previous: CellState, weights: ForwardWeights): StepRecord {
    const [xr, xz, xn] = tf.split(inputGates, 3, 1) as tf.Tensor2D[];
    const [hr, hz, hn] = tf.split(hiddenGates(previous.h, weights), 3, 1) as tf.Tensor2D[];
    const r = tf.sigmoid(tf.add(xr, hr)) as tf.Tensor2D;
    const z = tf.sigmoid(tf.add(xz, hz)) as tf.Tensor2D;
    const n = tf.tanh(tf.add(xn, tf.mul(r, hn))) as tf.Tensor2D;
    const h = tf.add(tf.mul(tf.sub(1, z), n), tf.mul(z, previous.h)) as tf.Tensor2D;
    return { state: { h }, quantities: { h, r, z, n }, saved: [hn] };
  }

  backward(record: StepRecord, previous: CellState, dState: CellState, weights: CellWeights): StepGradients {
    const { r, z, n } = record.quantities as Record<'r' | 'z' | 'n', tf.Tensor2D>;
    const [hn] = record.saved;
    const dh = dState.h;
    const dN = tf.mul(tf.mul(dh, tf.sub(1, z)), tf.sub(1, tf.square(n)));
    const dZ = sigmoidBackward(tf.mul(dh, tf.sub(previous.h, n)), z);
    const dR = sigmoidBackward(tf.mul(dN, hn), r);
    const dInputGates = tf.concat([dR, dZ, dN], 1) as tf.Tensor2D;
    const dHiddenGates = tf.concat([dR, dZ, tf.mul(dN, r)], 1) as tf.Tensor2D;
    const dPreviousH = tf.add(tf.mul(dh, z), tf.matMul(dHiddenGates, weights.whh)) as tf.Tensor2D;
    return { dInputGates, dHiddenGates, dPrevious: { h: dPreviousH } };
  }
}
