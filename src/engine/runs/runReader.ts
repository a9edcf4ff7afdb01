/**
 * Reads run folders defensively: one damaged or half-written run never stops the others
 * from being listed. A run whose summary still says `running` but whose process is gone
 * reads as `interrupted`; a lost summary is rebuilt from `metrics.jsonl`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, join } from 'node:path';
import type { ProbeEvent, TrainEvent } from '../events';
import { iterateJsonLines, type JsonLinesProblems } from '../io/files';
import { RUN_FILES, runIdTime } from './layout';
import { RECORDED_RUN_STATUSES, type RecordedRunStatus } from './runStatus';
import type { StoredSpec } from './runWriter';
import { summarizeEvents, type RunSummary } from './summary';

/** A run on another host counts as interrupted once its summary is this old. */
export const STALE_AFTER_MS = 10 * 60_000;

/** Every recorded event but probes. */
export type MetricEvent = Exclude<TrainEvent, ProbeEvent>;

export interface RunRecord {
  dir: string;
  summary: RunSummary;
  /** Missing when `spec.json` is unreadable. */
  spec?: StoredSpec;
  metrics: MetricEvent[];
  hasWeights: boolean;
  /** What was wrong with the files, in words; empty for a sound run. */
  problems: string[];
}

const METRIC_TYPES: readonly string[] = ['start', 'step', 'epoch', 'log', 'end'];

/** The summaries of every run in an experiment folder, newest first. A missing folder has none. */
export function listRuns(experimentDir: string, now = Date.now()): RunSummary[] {
  if (!existsSync(experimentDir)) {
    return [];
  }
  return readdirSync(experimentDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))
    .map((entry) => readSummary(join(experimentDir, entry.name), now).summary)
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
}

/** One run with its spec, summary and metric events (probes: see `iterateProbes`). */
export function readRun(runDir: string, now = Date.now()): RunRecord {
  const { summary, problems } = readSummary(runDir, now);
  const metricProblems = emptyProblems();
  const metrics = [...iterateMetrics(runDir, metricProblems)];
  problems.push(...describeProblems(RUN_FILES.metrics, metricProblems));
  const spec = readJson(join(runDir, RUN_FILES.spec));
  if (!isStoredSpec(spec)) {
    problems.push(`${RUN_FILES.spec} is missing or unreadable`);
  }
  return {
    dir: runDir,
    summary,
    spec: isStoredSpec(spec) ? spec : undefined,
    metrics,
    hasWeights: existsSync(join(runDir, RUN_FILES.weights)),
    problems,
  };
}

/** The run's probe events in order, parsed one at a time (the file can be large). */
export function* iterateProbes(runDir: string, problems?: JsonLinesProblems): Generator<ProbeEvent> {
  for (const value of iterateJsonLines(join(runDir, RUN_FILES.probes), problems)) {
    if (isEventOf(value, ['probe'])) {
      yield value as ProbeEvent;
    }
  }
}

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

/** The summary as it stands now: stale `running` turned `interrupted`, a lost one rebuilt. */
export function readSummary(runDir: string, now = Date.now()): { summary: RunSummary; problems: string[] } {
  const id = basename(runDir);
  try {
    const stored = readJson(join(runDir, RUN_FILES.summary));
    if (isSummary(stored)) {
      const summary = { ...stored, id };
      const reason = interruptionReason(summary, now);
      return { summary: reason ? asInterrupted(summary, reason) : summary, problems: [] };
    }
    const problem = `${RUN_FILES.summary} is ${stored === undefined ? 'missing or unreadable' : 'not a run summary'}`;
    return { summary: rebuildSummary(runDir, problem), problems: [problem] };
  } catch (error) {
    const problem = `unreadable run: ${error instanceof Error ? error.message : String(error)}`;
    const startedAt = new Date(runIdTime(id) ?? 0).toISOString();
    const summary: RunSummary = { id, experiment: '', status: 'interrupted', reason: problem, startedAt, updatedAt: startedAt, durationMs: 0, epochsDone: 0, steps: 0 };
    return { summary, problems: [problem] };
  }
}

/** Why a `running` summary is in fact interrupted, or undefined when it may well be running. */
function interruptionReason(summary: RunSummary, now: number): string | undefined {
  if (summary.status !== 'running') {
    return undefined;
  }
  if (summary.hostname === undefined || summary.hostname === hostname()) {
    if (summary.pid !== undefined && isProcessAlive(summary.pid)) {
      return undefined;
    }
    return `the training process${summary.pid === undefined ? '' : ` (pid ${summary.pid})`} is gone`;
  }
  const updatedAt = Date.parse(summary.updatedAt);
  if (Number.isFinite(updatedAt) && now - updatedAt <= STALE_AFTER_MS) {
    return undefined;
  }
  return `no news from ${summary.hostname} since ${summary.updatedAt}`;
}

function asInterrupted(summary: RunSummary, reason: string): RunSummary {
  const { pid: _pid, hostname: _hostname, ...rest } = summary;
  return { ...rest, status: 'interrupted', reason };
}

/** A summary rebuilt from the metric events; `interrupted` unless they hold the end. */
function rebuildSummary(runDir: string, problem: string): RunSummary {
  const id = basename(runDir);
  const spec = readJson(join(runDir, RUN_FILES.spec));
  const stored = isStoredSpec(spec) ? spec : undefined;
  const metricsPath = join(runDir, RUN_FILES.metrics);
  const lastWrite = existsSync(metricsPath) ? statSync(metricsPath).mtimeMs : statSync(runDir).mtimeMs;
  const events = [...iterateMetrics(runDir)];
  const start = events.find((event) => event.type === 'start');
  const summary = summarizeEvents(
    {
      id,
      experiment: stored?.spec.name ?? '',
      startedAt: runIdTime(id) ?? start?.time ?? lastWrite,
      specChecksum: stored?.specChecksum,
      sweep: stored?.sweep,
    },
    events,
    lastWrite,
  );
  if (summary.status === 'running') {
    return { ...summary, status: 'interrupted', reason: `${problem}; rebuilt from ${RUN_FILES.metrics}` };
  }
  return summary;
}

/** The run's metric events in order, parsed one at a time. */
export function* iterateMetrics(runDir: string, problems?: JsonLinesProblems): Generator<MetricEvent> {
  for (const value of iterateJsonLines(join(runDir, RUN_FILES.metrics), problems)) {
    if (isEventOf(value, METRIC_TYPES)) {
      yield value as MetricEvent;
    }
  }
}

function emptyProblems(): JsonLinesProblems {
  return { corruptLines: [], truncatedTail: false };
}

function describeProblems(file: string, problems: JsonLinesProblems): string[] {
  const found: string[] = [];
  if (problems.corruptLines.length > 0) {
    found.push(`${file}: skipped corrupt line(s) ${problems.corruptLines.join(', ')}`);
  }
  if (problems.truncatedTail) {
    found.push(`${file}: the last line was cut short and is skipped`);
  }
  return found;
}

/** Parsed JSON, or undefined when the file is missing or not JSON. */
export function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEventOf(value: unknown, types: readonly string[]): boolean {
  return isObject(value) && typeof value.type === 'string' && types.includes(value.type);
}

function isSummary(value: unknown): value is RunSummary {
  return (
    isObject(value) &&
    RECORDED_RUN_STATUSES.includes(value.status as RecordedRunStatus) &&
    typeof value.startedAt === 'string' &&
    typeof value.updatedAt === 'string' &&
    typeof value.epochsDone === 'number'
  );
}

export function isStoredSpec(value: unknown): value is StoredSpec {
  return isObject(value) && isObject(value.spec) && typeof value.specChecksum === 'string';
}
