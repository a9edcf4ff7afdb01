/** Elman RNN: h_t = act(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh), act = tanh or relu. */
import * as tf from '@tensorflow/tfjs-core';
import { CELLS } from '../cellDescriptions';
import { hiddenGates, type CellState, type CellWeights, type ForwardWeights, type RecurrentCell, type StepGradients, type StepRecord } from './cell';

export class RnnCell implements RecurrentCell {
  readonly description = CELLS.rnn;

  constructor(private readonly nonlinearity: 'tanh' | 'relu') {}

  step(inputGates: tf.Tensor2D, previous: CellState, weights: ForwardWeights): StepRecord {
    const preActivation = tf.add(inputGates, hiddenGates(previous.h, weights)) as tf.Tensor2D;
    const h = (this.nonlinearity === 'tanh' ? tf.tanh(preActivation) : tf.relu(preActivation)) as tf.Tensor2D;
    return { state: { h }, quantities: { h }, saved: [] };
  }

  backward(record: StepRecord, _previous: CellState, dState: CellState, weights: CellWeights): StepGradients {
    const h = record.state.h;
    const derivative = this.nonlinearity === 'tanh' ? tf.sub(1, tf.square(h)) : tf.step(h);
    const dPre = tf.mul(dState.h, derivative) as tf.Tensor2D;
    return { dInputGates: dPre, dHiddenGates: dPre, dPrevious: { h: tf.matMul(dPre, weights.whh) } };
  }
}
