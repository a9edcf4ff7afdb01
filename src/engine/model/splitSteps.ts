import * as tf from '@tensorflow/tfjs-core';

/**
 * Splits time-major rows [T*B, W] into T tensors of [B, W].
 * One read of the data and T small uploads: the wasm backend's `slice` copies its whole
 * input on every call, which made per-step slicing quadratic in the sequence length.
 */
export function splitSteps(rows: tf.Tensor2D, steps: number): tf.Tensor2D[] {
  const batch = rows.shape[0] / steps;
  const width = rows.shape[1];
  const data = rows.dataSync() as Float32Array;
  const size = batch * width;
  return Array.from({ length: steps }, (_, t) => tf.tensor2d(data.subarray(t * size, (t + 1) * size), [batch, width]));
}
