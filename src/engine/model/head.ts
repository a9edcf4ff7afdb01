/**
 * The output head: a linear layer on the last step's hidden state (forecast, classify)
 * or on every step's (token tasks: language models, copy memory).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { TaskKind } from '../data/types';
import type { HeadParams } from './parameters';

export interface HeadForward {
  /** The hidden states the head reads: [B, H] (last step) or [T*B, H] (every step). */
  features: tf.Tensor2D;
  outputs: tf.Tensor2D;
}

export function readsEveryStep(task: TaskKind): boolean {
  return task === 'tokens';
}

export function headForward(task: TaskKind, head: HeadParams, top: tf.Tensor2D, batch: number): HeadForward {
  const features = readsEveryStep(task) ? top : (tf.slice(top, [top.shape[0] - batch, 0], [batch, -1]) as tf.Tensor2D);
  return { features, outputs: tf.add(tf.matMul(features, head.weightT), head.bias) as tf.Tensor2D };
}

/** Gradients of the head, and ∂L/∂top for every step ([T*B, H]; zero before the last step when the head reads only it). */
export function headBackward(
  task: TaskKind,
  head: HeadParams,
  forward: HeadForward,
  dOutputs: tf.Tensor2D,
  topRows: number,
): { gradients: HeadParams; dTop: tf.Tensor2D } {
  const gradients: HeadParams = {
    weightT: tf.matMul(tf.transpose(forward.features), dOutputs),
    bias: tf.sum(dOutputs, 0),
  };
  const dFeatures = tf.matMul(dOutputs, tf.transpose(head.weightT)) as tf.Tensor2D;
  if (readsEveryStep(task)) {
    return { gradients, dTop: dFeatures };
  }
  const earlier = topRows - dFeatures.shape[0];
  const dTop = earlier > 0 ? tf.concat([tf.zeros([earlier, dFeatures.shape[1]]), dFeatures], 0) : dFeatures;
  return { gradients, dTop: dTop as tf.Tensor2D };
}
