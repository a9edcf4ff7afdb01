/** The naive losses every dataset reports next to the model's, computed on the validation split. */

/** Mean squared error of predicting `prediction(i)` for each of sample i's `outputSize` targets. */
export function repeatedPredictionMse(targets: Float32Array, outputSize: number, prediction: (sample: number) => number): number {
  const count = targets.length / outputSize;
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const predicted = prediction(i);
    for (let k = 0; k < outputSize; k++) sum += (targets[i * outputSize + k] - predicted) ** 2;
  }
  return sum / targets.length;
}

/**
 * Cross-entropy (nats) on `evaluated` of always predicting the class frequencies of `fitted`,
 * with add-one smoothing so that a class never seen in `fitted` costs a finite loss.
 */
export function priorCrossEntropy(fitted: Int32Array, evaluated: Int32Array, classCount: number): number {
  const counts = new Float64Array(classCount).fill(1);
  for (const label of fitted) counts[label]++;
  const total = fitted.length + classCount;
  let sum = 0;
  for (const label of evaluated) sum -= Math.log(counts[label] / total);
  return sum / evaluated.length;
}
