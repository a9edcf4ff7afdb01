/** Numbers in the doctor's sentences: three significant digits, small and large ones in exponent form. */
export function formatFigure(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e5) return value.toExponential(1).replace('e+', 'e');
  return String(Number(value.toPrecision(3)));
}

/** A learning rate times a factor, without floating-point dust (0.01 × 0.1 = 0.001, not 0.0010000000000000002). */
export function scaledRate(rate: number, factor: number): number {
  return Number((rate * factor).toPrecision(3));
}

/** `37%`. */
export function formatShare(share: number): string {
  return `${Math.round(share * 100)}%`;
}
