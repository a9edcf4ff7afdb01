/**
 * Reads run folders defensively: one damaged or half-written run never stops the others
 * from being listed. A run whose summary still says `running` but whose process is gone
 * reads as `interrupted`; a lost summary is rebuilt from `metrics.jsonl`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { ProbeEvent, TrainEvent } from '../events';
import { iterateJsonLines, type JsonLinesProblems } from '../io/files';
import { RUN_FILES, runIdTime } from './layout';
import { interruptionReason } from './runLiveness';
import { RECORDED_RUN_STATUSES, type RecordedRunStatus } from './runStatus';
import { isStoredSpec, type StoredSpec } from './storedSpec';
import { summarizeEvents, type RunSummary } from './summary';

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

const METRIC_TYPES: readonly string[] = ['start', 'step', 'epoch', 'log', 'finding', 'end'];

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

/** The summary as it stands now: stale `running` turned `interrupted`, a lost one rebuilt. */
export function readSummary(runDir: string, now = Date.now()): { summary: RunSummary; problems: string[] } {
  const id = basename(runDir);
  try {
    const stored = readJson(join(runDir, RUN_FILES.summary));
    if (isSummary(stored)) {
      const { summary, wrong } = withReadableFields({ ...stored, id });
      const reason = interruptionReason(summary, now);
      const problems = wrong.length > 0 ? [`${RUN_FILES.summary}: fields of the wrong type, shown as "?": ${wrong.join(', ')}`] : [];
      return { summary: reason ? asInterrupted(summary, reason) : summary, problems };
    }
    const problem = `${RUN_FILES.summary} is ${stored === undefined ? 'missing or unreadable' : 'not a run summary'}`;
    return { summary: rebuildSummary(runDir, problem), problems: [problem] };
  } catch (error) {
    const problem = `unreadable run: ${error instanceof Error ? error.message : String(error)}`;
    const startedAt = new Date(runIdTime(id) ?? 0).toISOString();
    const summary: RunSummary = {
      id,
      experiment: '',
      status: 'interrupted',
      reason: problem,
      startedAt,
      updatedAt: startedAt,
      durationMs: 0,
      epochsDone: 0,
      steps: 0,
    };
    return { summary, problems: [problem] };
  }
}

function asInterrupted(summary: RunSummary, reason: string): RunSummary {
  const { pid: _pid, hostname: _hostname, processStartedAt: _started, ...rest } = summary;
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
    return { ...summary, status: 'interrupted', reason: `${problem}; rebuilt from ${RUN_FILES.metrics}`, rebuilt: problem };
  }
  return { ...summary, rebuilt: problem };
}

const TEXT_FIELDS = ['experiment', 'reason', 'backend', 'backendNote', 'engine', 'dataset', 'endedAt', 'specChecksum', 'hostname', 'rebuilt'] as const;
const NUMBER_FIELDS = [
  'durationMs',
  'epochsDone',
  'steps',
  'epochsPlanned',
  'parameterCount',
  'bestValidationLoss',
  'bestEpoch',
  'lastValidationLoss',
  'lastTrainLoss',
  'bestValidationAccuracy',
  'lastValidationAccuracy',
  'stepsPerSecondMedian',
  'pid',
  'processStartedAt',
] as const;

/**
 * A stored summary whose text fields of the wrong type read as `?` (numbers of the wrong type
 * are kept: the formatters print them as `?`), and the names of the fields that were wrong.
 */
function withReadableFields(summary: RunSummary): { summary: RunSummary; wrong: string[] } {
  const fields = summary as unknown as Record<string, unknown>;
  const wrong: string[] = [
    ...TEXT_FIELDS.filter((key) => fields[key] !== undefined && typeof fields[key] !== 'string'),
    ...NUMBER_FIELDS.filter((key) => fields[key] !== undefined && fields[key] !== null && typeof fields[key] !== 'number'),
  ];
  const result: Record<string, unknown> = { ...fields };
  for (const key of TEXT_FIELDS) if (wrong.includes(key)) result[key] = '?';
  const sweep = fields.sweep as Record<string, unknown> | undefined;
  if (sweep !== undefined && (!isObject(sweep) || typeof sweep.label !== 'string' || !isObject(sweep.assignments))) {
    wrong.push('sweep');
    result.sweep = { label: '?', assignments: {} };
  }
  const baseline = fields.baseline as Record<string, unknown> | undefined;
  if (baseline !== undefined && (!isObject(baseline) || typeof baseline.label !== 'string')) {
    wrong.push('baseline');
    delete result.baseline;
  }
  return { summary: result as unknown as RunSummary, wrong };
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
