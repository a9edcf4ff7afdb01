/**
 * The output head: a linear layer on the last step's hidden state (forecast, classify)
 * or on every step's (token tasks: language models, copy memory).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TaskKind } from '../data/types';
import type { HeadParams } from './parameters';
import { splitSteps } from './splitSteps';

export interface HeadForward {
  /** The hidden states the head reads: [B, H] (last step) or [T*B, H] (every step). */
  features: tf.Tensor2D;
  outputs: tf.Tensor2D;
}

export function readsEveryStep(task: TaskKind): boolean {
  return task === 'tokens';
}

/** `stack` gives the last layer's outputs: every step's, [T*B, H], and the last step's, [B, H]. */
export function headForward(task: TaskKind, head: HeadParams, stack: { top: tf.Tensor2D; last: tf.Tensor2D }): HeadForward {
  const features = readsEveryStep(task) ? stack.top : stack.last;
  return { features, outputs: tf.add(tf.matMul(features, head.weightT), head.bias) as tf.Tensor2D };
}

/** Gradients of the head, and ∂L/∂h_t of the last layer per step (undefined where the head does not read h_t). */
export function headBackward(
  task: TaskKind,
  head: HeadParams,
  forward: HeadForward,
  dOutputs: tf.Tensor2D,
  steps: number,
): { gradients: HeadParams; dTop: (tf.Tensor2D | undefined)[] } {
  const gradients: HeadParams = {
    weightT: tf.matMul(tf.transpose(forward.features), dOutputs),
    bias: tf.sum(dOutputs, 0),
  };
  const dFeatures = tf.matMul(dOutputs, tf.transpose(head.weightT)) as tf.Tensor2D;
  if (readsEveryStep(task)) {
    return { gradients, dTop: splitSteps(dFeatures, steps) };
  }
  const dTop: (tf.Tensor2D | undefined)[] = new Array(steps).fill(undefined);
  dTop[steps - 1] = dFeatures;
  return { gradients, dTop };
}
