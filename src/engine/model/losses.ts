/** Losses with their gradients, as PyTorch's MSELoss and CrossEntropyLoss (mean reduction). */
import * as tf from '@tensorflow/tfjs-core';

export interface LossResult {
  loss: tf.Scalar;
  /** ∂loss/∂outputs. */
  dOutputs: tf.Tensor2D;
  /** Classification: how many rows were predicted right. */
  correct?: tf.Scalar;
}

export function meanSquaredError(predictions: tf.Tensor2D, targets: tf.Tensor2D): LossResult {
  const difference = tf.sub(predictions, targets);
  return {
    loss: tf.mean(tf.square(difference)) as tf.Scalar,
    dOutputs: tf.mul(difference, 2 / predictions.size) as tf.Tensor2D,
  };
}

/** `logits` [N, C], `labels` [N] int32. */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): LossResult {
  const rows = logits.shape[0];
  const logProbabilities = tf.sub(logits, tf.logSumExp(logits, 1, true));
  const targets = oneHot(labels, logits.shape[1]);
  return {
    loss: tf.neg(tf.div(tf.sum(tf.mul(targets, logProbabilities)), rows)) as tf.Scalar,
    dOutputs: tf.div(tf.sub(tf.exp(logProbabilities), targets), rows) as tf.Tensor2D,
    correct: tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')) as tf.Scalar,
  };
}

/**
 * One-hot rows as float32. The wasm backend ignores `tf.oneHot`'s dtype argument and writes
 * int32 bits into a float32 tensor, so the int32 result is cast instead.
 */
export function oneHot(indices: tf.Tensor1D, depth: number): tf.Tensor2D {
  return tf.cast(tf.oneHot(indices, depth), 'float32') as tf.Tensor2D;
}
