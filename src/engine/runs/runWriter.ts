/**
 * Writes one run folder while the run goes on: the spec once, every event appended as it
 * happens, the summary replaced atomically (throttled, and at every start, epoch and end),
 * a checkpoint at every epoch end and the weights at the end. Checkpoints and the end reach
 * the disk (fsync) before training goes on. A stopped or interrupted run is continued by
 * `RunWriter.resume`, which cuts its event files back to its checkpoint.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, statSync, truncateSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { TrainEvent } from '../events';
import type { StateDict } from '../model/types';
import { writeWeightsFile } from '../model/weightsFile';
import type { ExperimentSpec } from '../spec/types';
import type { TrainerCheckpoint } from '../train/checkpoint';
import { JsonLinesAppender, removeLeftoverTempFiles, syncFolder, writeJsonAtomically } from '../io/files';
import { readCheckpoint, writeCheckpoint, type RunCheckpoint } from './checkpointFile';
import { formatRunId, RUN_FILES, runIdTime } from './layout';
import { isProcessAlive, processStartTime } from './runLiveness';
import { iterateMetrics, readJson, readSummary } from './runReader';
import { isStoredSpec, type StoredSpec } from './storedSpec';
import { SummaryBuilder, type RunIdentity, type RunSummary, type SweepPoint } from './summary';

export interface CreateRunOptions {
  /** The experiment folder (see `experimentDir`); created when missing. */
  experimentDir: string;
  specPath: string;
  spec: ExperimentSpec;
  specChecksum: string;
  sweep?: SweepPoint;
  /** Milliseconds since the epoch; replaceable for tests. */
  now?: () => number;
}

/** While running, the summary is rewritten at most this often, besides start, epoch ends and the end. */
export const SUMMARY_INTERVAL_MS = 2000;

const ID_ATTEMPTS = 16;

/** A run folder opened again to continue its training. */
export interface ResumedRun {
  writer: RunWriter;
  /** The run's own spec (sweep values applied), as recorded when it started. */
  stored: StoredSpec;
  checkpoint: RunCheckpoint;
  /** Why the run had ended before, for the log. */
  previously: string;
  /** The engine that trained it (absent in runs recorded before there was a choice). */
  engine?: RunSummary['engine'];
}

export class RunWriter {
  private readonly builder: SummaryBuilder;
  private readonly metrics: JsonLinesAppender;
  private readonly probes: JsonLinesAppender;
  private lastSummaryWrite = 0;

  private constructor(
    readonly id: string,
    readonly dir: string,
    identity: Omit<RunIdentity, 'id' | 'pid' | 'hostname' | 'processStartedAt'>,
    private readonly now: () => number,
  ) {
    this.builder = new SummaryBuilder({ ...identity, id, pid: process.pid, hostname: hostname(), processStartedAt: processStartTime(process.pid) });
    this.metrics = new JsonLinesAppender(join(dir, RUN_FILES.metrics));
    this.probes = new JsonLinesAppender(join(dir, RUN_FILES.probes));
  }

  /** Creates a new run folder with its spec and a `running` summary. */
  static create(options: CreateRunOptions): RunWriter {
    const now = options.now ?? Date.now;
    const startedAt = now();
    mkdirSync(options.experimentDir, { recursive: true });
    for (let attempt = 0; ; attempt++) {
      const id = formatRunId(new Date(startedAt), randomBytes(2).toString('hex'));
      const dir = join(options.experimentDir, id);
      try {
        mkdirSync(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST' && attempt < ID_ATTEMPTS) {
          continue;
        }
        throw error;
      }
      const stored: StoredSpec = {
        specPath: options.specPath,
        specChecksum: options.specChecksum,
        sweep: options.sweep,
        spec: options.spec,
      };
      writeJsonAtomically(join(dir, RUN_FILES.spec), stored);
      const identity = { experiment: options.spec.name, startedAt, specChecksum: options.specChecksum, sweep: options.sweep };
      const writer = new RunWriter(id, dir, identity, now);
      writer.writeSummary();
      return writer;
    }
  }

  /**
   * Opens a stopped or interrupted run to continue it from its checkpoint: its event files are
   * cut back to their length at the checkpoint (the steps after it are trained again), and the
   * summary says `running` again once the resumed start event is recorded. A failed run may be
   * resumed unless it diverged (it would again). Throws an Error saying why when the run cannot
   * be resumed (running, completed, diverged, no checkpoint), having changed nothing.
   */
  static resume(runDir: string, now: () => number = Date.now): ResumedRun {
    const { summary } = readSummary(runDir, now());
    const problem = resumeProblem(runDir, summary);
    if (problem) throw new Error(problem);
    const stored = readJson(join(runDir, RUN_FILES.spec));
    if (!isStoredSpec(stored)) throw new Error(`${join(runDir, RUN_FILES.spec)} is missing or unreadable: the run's spec is unknown`);
    const checkpoint = readCheckpoint(runDir);
    removeLeftoverTempFiles(runDir, isProcessAlive);
    cutBack(join(runDir, RUN_FILES.metrics), checkpoint.metricsBytes);
    cutBack(join(runDir, RUN_FILES.probes), checkpoint.probesBytes);
    const id = basename(runDir);
    const identity = {
      experiment: stored.spec.name,
      startedAt: runIdTime(id) ?? Date.parse(summary.startedAt),
      specChecksum: stored.specChecksum,
      sweep: stored.sweep,
    };
    const writer = new RunWriter(id, runDir, identity, now);
    for (const event of iterateMetrics(runDir)) writer.builder.add(event);
    return { writer, stored, checkpoint, previously: `${summary.status}${summary.reason ? `: ${summary.reason}` : ''}`, engine: summary.engine };
  }

  /** Appends the event to its file and keeps the summary current. */
  record(event: TrainEvent): void {
    (event.type === 'probe' ? this.probes : this.metrics).append(event);
    this.builder.add(event);
    const milestone = event.type === 'start' || event.type === 'epoch' || event.type === 'end';
    if (milestone || this.now() - this.lastSummaryWrite >= SUMMARY_INTERVAL_MS) {
      this.writeSummary();
    }
  }

  /** Writes `weights.json` atomically and durably. */
  saveWeights(weights: StateDict): void {
    writeWeightsFile(join(this.dir, RUN_FILES.weights), weights, true);
  }

  /** Writes the checkpoint with the event files' lengths, and the summary, all flushed to the disk. */
  saveCheckpoint(checkpoint: TrainerCheckpoint): void {
    this.metrics.sync();
    this.probes.sync();
    writeCheckpoint(this.dir, { ...checkpoint, metricsBytes: sizeOf(this.metrics.path), probesBytes: sizeOf(this.probes.path) });
    this.writeSummary(true);
  }

  /** The summary as of now. */
  summary(): RunSummary {
    return this.builder.summary(this.now());
  }

  /** Writes the summary a last time, closes the event files and flushes the folder to the disk. */
  close(): RunSummary {
    this.metrics.sync();
    this.probes.sync();
    this.metrics.close();
    this.probes.close();
    removeLeftoverTempFiles(this.dir, isProcessAlive);
    const summary = this.writeSummary(true);
    syncFolder(dirname(this.dir));
    return summary;
  }

  private writeSummary(durable = false): RunSummary {
    const summary = this.summary();
    writeJsonAtomically(join(this.dir, RUN_FILES.summary), summary, durable);
    this.lastSummaryWrite = this.now();
    return summary;
  }
}

/**
 * Why the run cannot be resumed, or undefined when it can be tried: it is stopped, interrupted
 * or failed without diverging, and has a checkpoint (which `RunWriter.resume` reads in full).
 */
export function resumeProblem(runDir: string, summary: RunSummary = readSummary(runDir).summary): string | undefined {
  if (summary.status === 'running') return `${runDir} is still training (pid ${summary.pid ?? '?'} on ${summary.hostname ?? 'this host'})`;
  if (summary.status === 'completed') return `${runDir} completed: there is nothing to resume`;
  if (summary.divergedAt) return `${runDir} diverged (${summary.reason ?? 'no reason recorded'}): resuming would diverge again; train it anew`;
  if (!existsSync(join(runDir, RUN_FILES.checkpoint))) return `${join(runDir, RUN_FILES.checkpoint)}: cannot resume from this checkpoint: it is missing`;
  return undefined;
}

function sizeOf(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

/** Cuts an event file back to `bytes` (a checkpoint's length); a shorter one is damaged and refused. */
function cutBack(path: string, bytes: number): void {
  const size = sizeOf(path);
  if (size < bytes) throw new Error(`${path} is shorter (${size} bytes) than at the checkpoint (${bytes} bytes): it was damaged; the run cannot be resumed`);
  if (size > bytes) truncateSync(path, bytes);
}
