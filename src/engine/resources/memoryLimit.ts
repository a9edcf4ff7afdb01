/**
 * The memory limit of a run: one number (MB) that bounds everything a run allocates, from the
 * setting `rnnLab.workerMemoryLimitMb` or the CLI's `--memory-limit`, and the error a run
 * ends with when it would go past it.
 */

/** The limit when none is given: the default of `rnnLab.workerMemoryLimitMb`. */
export const DEFAULT_MEMORY_LIMIT_MB = 4096;

/** A share of the limit past which the estimate is a warning rather than silence. */
export const WARNING_SHARE = 0.5;

export const MB = 1024 * 1024;

/** Thrown where an allocation would take a run past its memory limit; the message says what to lower. */
export class MemoryLimitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemoryLimitError';
  }
}

/** "18.7 GB", "412 MB", "3.2 kB": bytes for people, in powers of 1024. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  if (unit === 0) return `${Math.round(value)} bytes`;
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
