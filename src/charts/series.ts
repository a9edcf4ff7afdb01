/** Pure transformations of long metric series: smoothing and downsampling. */

/** The largest smoothing weight (as TensorBoard's slider). */
const MAX_WEIGHT = 0.999;

/**
 * TensorBoard's debiased exponential moving average. `weight` is clamped to [0, 0.999]; 0 returns
 * the values unchanged, and the first finite value is always kept as it is (the debiasing removes
 * the pull towards the zero the average starts from). Non-finite values pass through and do not
 * enter the average.
 */
export function smoothDebiased(values: readonly number[], weight: number): number[] {
  const w = Math.min(MAX_WEIGHT, Math.max(0, Number.isFinite(weight) ? weight : 0));
  let average = 0;
  let count = 0;
  return values.map((value) => {
    if (!Number.isFinite(value)) {
      return value;
    }
    average = average * w + (1 - w) * value;
    count += 1;
    return average / (1 - w ** count);
  });
}

/**
 * At most `maxPoints` rows (at least 2), in their original order: the rows are cut into
 * `maxPoints / 2` equal buckets and each keeps its row with the smallest and its row with the
 * largest `key`, so spikes survive. NaN values never count as extremes (a bucket of only NaN keeps
 * its first row). Returns a copy of `rows` when they already fit.
 */
export function downsampleExtrema<T extends object>(rows: readonly T[], maxPoints: number, key: keyof T): T[] {
  const cap = Math.max(2, Math.floor(maxPoints));
  if (rows.length <= cap) {
    return rows.slice();
  }
  const valueAt = (i: number) => rows[i][key] as number;
  const buckets = Math.floor(cap / 2);
  const kept: T[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor((b * rows.length) / buckets);
    const end = Math.floor(((b + 1) * rows.length) / buckets);
    let min = start;
    let max = start;
    for (let i = start + 1; i < end; i++) {
      if (valueAt(i) < valueAt(min) || Number.isNaN(valueAt(min))) min = i;
      if (valueAt(i) > valueAt(max) || Number.isNaN(valueAt(max))) max = i;
    }
    kept.push(rows[Math.min(min, max)]);
    if (min !== max) kept.push(rows[Math.max(min, max)]);
  }
  return kept;
}
