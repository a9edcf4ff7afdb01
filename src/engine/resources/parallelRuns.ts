/**
 * How many runs train at once: the setting `rnnLab.maxParallelRuns` or the CLI's `--parallel`,
 * automatic where not given (one run per core: a run trains on one thread), and never more than
 * the machine's memory holds when every run may use its whole memory limit.
 */
import { availableParallelism, totalmem } from 'node:os';
import { formatBytes, MB } from './memoryLimit';

/** The most runs the automatic choice starts at once, however many cores there are. */
export const MAX_AUTOMATIC_PARALLEL_RUNS = 16;

/** The threads one run trains on. */
export const THREADS_PER_RUN = 1;

export interface ParallelRunsRequest {
  /** The runs wanted at once; 0 or undefined: automatic. */
  requested: number | undefined;
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

/** One run per group of `THREADS_PER_RUN` cores, at least 1 and at most `MAX_AUTOMATIC_PARALLEL_RUNS`. */
export function automaticParallelRuns(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(MAX_AUTOMATIC_PARALLEL_RUNS, Math.floor(cores / THREADS_PER_RUN)));
}

/** The runs to train at once: the request (or the automatic choice), lowered to what the machine's memory holds. */
export function parallelRuns(request: ParallelRunsRequest): ParallelRuns {
  const wanted = request.requested ? Math.max(1, Math.floor(request.requested)) : automaticParallelRuns(request.cores);
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
