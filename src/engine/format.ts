/** Plain-text formatting of numbers, durations and ages, shared by the CLI and the editor. */
import type { RunSummary } from './runs/summary';
import type { TrainEngine } from './engineKind';
import type { Backend } from './events';

/**
 * A loss or similar value with four significant digits; `-` when absent, `?` when it is not a
 * number at all (a damaged summary's field).
 */
export function formatValue(value: number | null | undefined): string {
  if (value === undefined || value === null) {
    return '-';
  }
  if (typeof value !== 'number') {
    return '?';
  }
  return Number.isFinite(value) ? Number(value.toPrecision(4)).toString() : String(value);
}

/** A number for a log line: at most six significant digits (`0.0123457`, `1.23457e-7`); `-` when absent. */
export function formatLogNumber(value: number | null | undefined): string {
  if (value === undefined || value === null) {
    return '-';
  }
  return Number.isFinite(value) ? Number(value.toPrecision(6)).toString() : String(value);
}

/** A count (epochs, steps, parameters); `?` when it is not a finite number (a damaged summary's field). */
export function formatCount(value: number | undefined): string {
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '?';
}

/** A sweep value as it appears in a run label: strings bare, everything else as JSON. */
export function formatSweepValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** An accuracy in [0, 1] as a percentage; `?` when it is not a number. */
export function formatPercent(value: number | undefined): string {
  if (value === undefined) return '-';
  return typeof value === 'number' && Number.isFinite(value) ? `${(value * 100).toFixed(1)}%` : '?';
}

/** `850ms`, `12.3s`, `4m05s`, `2h03m`; `?` when it is not a finite number. */
export function formatDuration(ms: number): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    return '?';
  }
  if (ms < 1000) {
    return `${Math.round(ms)}ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)}s`;
  }
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)}m${String(totalSeconds % 60).padStart(2, '0')}s`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)}h${String(totalMinutes % 60).padStart(2, '0')}m`;
}

/** How long ago, coarsely: `just now`, `5m ago`, `3h ago`, `2d ago`; `?` when unknown (an unreadable start time). */
export function formatAge(ms: number): string {
  if (!Number.isFinite(ms)) {
    return '?';
  }
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) {
    return 'just now';
  }
  if (minutes < 60) {
    return `${minutes}m ago`;
  }
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `${hours}h ago` : `${Math.floor(hours / 24)}d ago`;
}

/**
 * A run's steps per second as every view shows it: the median over the run (`RunState.stepsPerSecond`),
 * labelled so, e.g. `median 219 steps/s`; undefined before the first step.
 */
export function formatStepsPerSecond(median: number | undefined): string | undefined {
  return median === undefined || !(median > 0) ? undefined : `median ${Math.round(median)} steps/s`;
}

/**
 * One line about a finished run: `val 0.0041 (best at epoch 17)`, or the failure, e.g.
 * `failed: Training diverged at epoch 2, step 40: …`.
 */
export function formatRunResult(summary: RunSummary): string {
  if (summary.status === 'failed' || summary.status === 'interrupted') {
    return `${summary.status}: ${summary.reason ?? 'no reason recorded'}`;
  }
  const best =
    summary.bestValidationLoss === undefined
      ? 'no epoch finished'
      : `val ${formatValue(summary.bestValidationLoss)} (best at epoch ${formatCount(summary.bestEpoch)})`;
  return summary.status === 'stopped' ? `${best}, stopped` : best;
}

/**
 * What trained a run: "kernels engine", "tfjs engine, wasm backend" or "pytorch engine, cuda:0 (NVIDIA H100) × 4";
 * only the backend for runs recorded before the choice.
 */
export function describeEngine(
  engine: TrainEngine | undefined,
  backend: Backend | undefined,
  device?: { device?: string; worldSize?: number },
): string | undefined {
  if (engine === 'pytorch') {
    const processes = (device?.worldSize ?? 1) > 1 ? ` × ${device?.worldSize}` : '';
    return device?.device ? `pytorch engine, ${device.device}${processes}` : 'pytorch engine';
  }
  if (engine === 'kernels') return 'kernels engine';
  if (engine === 'tfjs') return backend ? `tfjs engine, ${backend} backend` : 'tfjs engine';
  return backend ? `${backend} backend` : undefined;
}
