/**
 * Ends a run whose writer can no longer do it: a worker that crashed, ran out of memory or
 * was terminated. The run gets an end event and a final summary, so it never reads as
 * `running` while the process that owned it lives on.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { EndEvent } from '../events';
import { JsonLinesAppender, writeJsonAtomically } from '../io/files';
import { RUN_FILES } from './layout';
import { readRun } from './runReader';
import type { RunSummary } from './summary';

export function closeAbandonedRun(runDir: string, status: EndEvent['status'], reason: string, now = Date.now()): RunSummary {
  const metricsPath = join(runDir, RUN_FILES.metrics);
  const metrics = new JsonLinesAppender(metricsPath);
  if (!endsWithNewline(metricsPath)) {
    // The writer died mid-line: start the end event on a line of its own.
    metrics.appendRaw('\n');
  }
  metrics.append({ type: 'end', status, reason, time: now } satisfies EndEvent);
  metrics.close();
  const { summary } = readRun(runDir, now);
  // It trained until now, not just until its summary was last written.
  const durationMs = summary.status === 'running' ? summary.durationMs + Math.max(0, now - Date.parse(summary.updatedAt)) : summary.durationMs;
  const final: RunSummary = { ...summary, status, reason, durationMs, endedAt: new Date(now).toISOString(), updatedAt: new Date(now).toISOString() };
  delete final.pid;
  delete final.hostname;
  delete final.processStartedAt;
  writeJsonAtomically(join(runDir, RUN_FILES.summary), final);
  return final;
}

function endsWithNewline(path: string): boolean {
  if (!existsSync(path) || statSync(path).size === 0) {
    return true;
  }
  const fd = openSync(path, 'r');
  try {
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, statSync(path).size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}
