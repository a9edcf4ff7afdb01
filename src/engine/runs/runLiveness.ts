/**
 * Whether a run whose summary says `running` is still being trained. A pid alone cannot say:
 * once the training process is gone the system may give its pid to another process. So the
 * writer records its host, pid and process start time, and a run counts as running only while
 * a process with that pid and that start time lives. Where the system does not tell start
 * times (no `/proc`), a summary not rewritten for `STALE_AFTER_MS` counts as left behind.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { RunSummary } from './summary';

/** A run on another host, or on a system without process start times, counts as interrupted once its summary is this old. */
export const STALE_AFTER_MS = 10 * 60_000;

/** Start times are read to the second (the boot time's precision); a difference within this is the same process. */
const SAME_START_MS = 2000;
/** Linux reports start times in clock ticks of 1/100 s (USER_HZ, fixed by its ABI). */
const TICK_MS = 10;

let bootTimeMs: number | undefined;

/** Whether a process with this id exists on this machine. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When process `pid` of this machine started (milliseconds since the epoch); undefined where the system does not say. */
export function processStartTime(pid: number): number | undefined {
  try {
    bootTimeMs ??= Number(/^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1]) * 1000;
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the command name, which is in parentheses and may hold spaces.
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isFinite(bootTimeMs) && Number.isFinite(ticks) ? bootTimeMs + ticks * TICK_MS : undefined;
  } catch {
    return undefined;
  }
}

/** Why a `running` summary is in fact interrupted, or undefined when it is still being trained. */
export function interruptionReason(summary: RunSummary, now: number): string | undefined {
  if (summary.status !== 'running') {
    return undefined;
  }
  const stale = (who: string): string | undefined => {
    const updatedAt = Date.parse(summary.updatedAt);
    return Number.isFinite(updatedAt) && now - updatedAt <= STALE_AFTER_MS ? undefined : `no news from ${who} since ${summary.updatedAt}`;
  };
  if (summary.hostname !== undefined && summary.hostname !== hostname()) {
    return stale(summary.hostname);
  }
  const { pid } = summary;
  const process = pid === undefined ? 'the training process' : `the training process (pid ${pid})`;
  if (pid === undefined || !isProcessAlive(pid)) {
    return `${process} is gone`;
  }
  const started = processStartTime(pid);
  if (started === undefined) {
    return stale(process);
  }
  // Runs recorded before start times were kept: the trainer started before its run did.
  const reused =
    summary.processStartedAt === undefined
      ? started > Date.parse(summary.startedAt) + SAME_START_MS
      : Math.abs(started - summary.processStartedAt) > SAME_START_MS;
  return reused ? `${process} is gone: that pid now belongs to a process started at ${new Date(started).toISOString()}` : undefined;
}
