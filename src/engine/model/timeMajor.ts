/** [B, T] row-major ids → [T*B] with row t*B + b, written into `target`. */
export function toTimeMajor<Target extends Int32Array>(values: Int32Array, batch: number, steps: number, target: Target): Target {
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < steps; t++) {
      target[t * batch + b] = values[b * steps + t];
    }
  }
  return target;
}
