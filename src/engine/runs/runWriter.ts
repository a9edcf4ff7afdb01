/**
 * Writes one run folder while the run goes on: the spec once, every event appended as it
 * happens, the summary replaced atomically (throttled, and at every start, epoch and end),
 * and the weights at the end.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { TrainEvent } from '../events';
import type { StateDict } from '../model/types';
import { writeWeightsFile } from '../model/weightsFile';
import type { ExperimentSpec } from '../spec/types';
import { JsonLinesAppender, writeJsonAtomically } from '../io/files';
import { formatRunId, RUN_FILES } from './layout';
import { SummaryBuilder, type RunSummary, type SweepPoint } from './summary';

/** The content of a run's `spec.json`. */
export interface StoredSpec {
  /** The spec file the run came from, as the caller gave it. */
  specPath: string;
  specChecksum: string;
  sweep?: SweepPoint;
  /** The resolved spec of this run (sweep values applied). */
  spec: ExperimentSpec;
}

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

export class RunWriter {
  private readonly builder: SummaryBuilder;
  private readonly metrics: JsonLinesAppender;
  private readonly probes: JsonLinesAppender;
  private lastSummaryWrite = 0;

  private constructor(
    readonly id: string,
    readonly dir: string,
    startedAt: number,
    options: CreateRunOptions,
    private readonly now: () => number,
  ) {
    this.builder = new SummaryBuilder({
      id,
      experiment: options.spec.name,
      startedAt,
      specChecksum: options.specChecksum,
      sweep: options.sweep,
      pid: process.pid,
      hostname: hostname(),
    });
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
      const writer = new RunWriter(id, dir, startedAt, options, now);
      writer.writeSummary();
      return writer;
    }
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

  /** Writes `weights.json` (atomically, as `writeWeightsFile` does). */
  saveWeights(weights: StateDict): void {
    writeWeightsFile(join(this.dir, RUN_FILES.weights), weights);
  }

  /** The summary as of now. */
  summary(): RunSummary {
    return this.builder.summary(this.now());
  }

  /** Writes the summary a last time and closes the event files. */
  close(): RunSummary {
    this.metrics.close();
    this.probes.close();
    return this.writeSummary();
  }

  private writeSummary(): RunSummary {
    const summary = this.summary();
    writeJsonAtomically(join(this.dir, RUN_FILES.summary), summary);
    this.lastSummaryWrite = this.now();
    return summary;
  }
}
