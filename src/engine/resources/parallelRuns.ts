/**
 * How many runs train at once and on how many threads each. Runs at once: the setting
 * `rnnLab.maxParallelRuns` or the CLI's `--parallel`, automatic where not given (one run per
 * group of `threads per run` cores), and never more than the machine's memory holds when every
 * run may use its whole memory limit. Threads per run: `rnnLab.threadsPerRun` or `--threads`,
 * automatic where not given (the run's share of the cores among the runs that train together,
 * so that a lone run uses every core and a sweep's parallel runs one each).
 */
import { availableParallelism, totalmem } from 'node:os';
import { formatBytes, MB } from './memoryLimit';

/** The most runs the automatic choice starts at once, however many cores there are. */
export const MAX_AUTOMATIC_PARALLEL_RUNS = 16;

export interface ParallelRunsRequest {
  /** The runs wanted at once; 0 or undefined: automatic. */
  requested: number | undefined;
  /** The threads per run asked for; 0 or undefined: automatic (then one per run counts for the automatic number of runs). */
  threadsPerRun?: number;
  /** Each run's memory limit (MB). */
  memoryLimitMb: number;
  /** The name of the knob, for the message: `rnnLab.maxParallelRuns` or `--parallel`. */
  knob: string;
  /** The name of the memory limit's knob: `rnnLab.workerMemoryLimitMb` or `--memory-limit`. */
  memoryKnob: string;
  cores?: number;
  machineBytes?: number;
}

export interface ParallelRuns {
  count: number;
  /** Why fewer runs than asked for train at once; absent when none were taken away. */
  reduced?: string;
}

/** One run per group of `threadsPerRun` cores, at least 1 and at most `MAX_AUTOMATIC_PARALLEL_RUNS`. */
export function automaticParallelRuns(cores: number = availableParallelism(), threadsPerRun = 1): number {
  return Math.max(1, Math.min(MAX_AUTOMATIC_PARALLEL_RUNS, Math.floor(cores / Math.max(1, threadsPerRun))));
}

/** The threads a run trains on: the request, else its share of the cores when `runsAtOnce` runs train together. */
export function threadsPerRun(requested: number | undefined, runsAtOnce: number, cores: number = availableParallelism()): number {
  if (requested) return Math.max(1, Math.floor(requested));
  return Math.max(1, Math.floor(cores / Math.max(1, runsAtOnce)));
}

/** The runs to train at once: the request (or the automatic choice), lowered to what the machine's memory holds. */
export function parallelRuns(request: ParallelRunsRequest): ParallelRuns {
  const wanted = request.requested ? Math.max(1, Math.floor(request.requested)) : automaticParallelRuns(request.cores, request.threadsPerRun);
  const machineBytes = request.machineBytes ?? totalmem();
  const limitBytes = request.memoryLimitMb * MB;
  const fitting = Math.max(1, Math.floor(machineBytes / limitBytes));
  if (wanted <= fitting) {
    return { count: wanted };
  }
  return {
    count: fitting,
    reduced:
      `${wanted} runs at once may use ${formatBytes(wanted * limitBytes)} (${request.memoryKnob} ${request.memoryLimitMb} MB each), ` +
      `more than this machine's ${formatBytes(machineBytes)}: training ${fitting} at once. ` +
      `Lower ${request.knob} or ${request.memoryKnob} to choose.`,
  };
}
