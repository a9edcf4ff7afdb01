import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `body` in a tfjs scope: every tensor it creates is disposed when it returns.
 * Unlike `tf.tidy`, the result may be any value (numbers, typed arrays, records).
 */
export function scoped<T>(body: () => T): T {
  tf.engine().startScope();
  try {
    return body();
  } finally {
    tf.engine().endScope();
  }
}
