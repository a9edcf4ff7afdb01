/**
 * The output head: a linear layer on the last step's hidden state (forecast, classify)
 * (for a bidirectional model [h_fwd at the last real step, h_rev at step 0]) or on every
 * step's [forward, reverse] (token tasks: language models, copy memory).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TaskKind } from '../data/types';
import type { HeadParams } from './parameters';
import { splitSteps } from './splitSteps';

export interface HeadForward {
  /** The hidden states the head reads: [B, D*P] (last step) or [T*B, D*P] (every step). */
  features: tf.Tensor2D;
  outputs: tf.Tensor2D;
}

export function readsEveryStep(task: TaskKind): boolean {
  return task === 'tokens';
}

/** `stack` gives the last layer's outputs: every step's, [T*B, D*P], and its final states side by side, [B, D*P]. */
export function headForward(task: TaskKind, head: HeadParams, stack: { top: tf.Tensor2D; last: tf.Tensor2D }): HeadForward {
  const features = readsEveryStep(task) ? stack.top : stack.last;
  return { features, outputs: tf.add(tf.matMul(features, head.weightT), head.bias) as tf.Tensor2D };
}

/**
 * Gradients of the head, and what it sends down: token tasks ∂L/∂(top output at t) per step;
 * the others ∂L/∂`last` (the top layer's final states side by side).
 */
export function headBackward(
  task: TaskKind,
  head: HeadParams,
  forward: HeadForward,
  dOutputs: tf.Tensor2D,
  steps: number,
): { gradients: HeadParams; dTop: (tf.Tensor2D | undefined)[]; dLast?: tf.Tensor2D } {
  const gradients: HeadParams = {
    weightT: tf.matMul(tf.transpose(forward.features), dOutputs),
    bias: tf.sum(dOutputs, 0),
  };
  const dFeatures = tf.matMul(dOutputs, tf.transpose(head.weightT)) as tf.Tensor2D;
  if (readsEveryStep(task)) {
    return { gradients, dTop: splitSteps(dFeatures, steps) };
  }
  return { gradients, dTop: new Array(steps).fill(undefined), dLast: dFeatures };
}
