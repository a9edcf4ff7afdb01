/**
 * Text coloured by one hidden unit's activation, character by character (Karpathy, Johnson &
 * Fei-Fei 2015). The panel renders this as HTML spans, not as a Vega chart.
 */
import type { ChartTheme } from './theme';

/** One character of generated text with the chosen unit's activation while it was produced. */
export interface ActivationSpan {
  char: string;
  /** NaN when no activation was recorded for this character. */
  value: number;
}

/** Pairs each character of `text` with `activations[unit][index]` (activations are [unit][character]). */
export function activationSpans(text: string, activations: readonly (readonly number[])[], unit: number): ActivationSpan[] {
  const series = activations[unit] ?? [];
  return Array.from(text, (char, i) => ({ char, value: series[i] ?? Number.NaN }));
}

/**
 * A CSS background colour for an activation in [-1, 1] (clamped): the theme's diverging colours,
 * mixed from the zero colour towards the negative or positive one in proportion to |value|.
 * Returns `transparent` for a non-finite value. Uses CSS `color-mix()`, so any CSS colour works as a
 * theme colour (including VS Code's variables resolved by the webview).
 */
export function activationColor(value: number, theme: ChartTheme): string {
  if (!Number.isFinite(value)) {
    return 'transparent';
  }
  const [negative, zero, positive] = theme.diverging;
  const amount = Math.round(Math.min(1, Math.abs(value)) * 100);
  return `color-mix(in srgb, ${value < 0 ? negative : positive} ${amount}%, ${zero})`;
}
