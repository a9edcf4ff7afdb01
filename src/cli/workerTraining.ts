/**
 * One run of `rnn-lab train --parallel N` in its own worker thread (the training worker the
 * editor uses), so that N runs train on N cores. A stop request reaches the worker through the
 * job's stop flag; a worker that fails or runs out of memory leaves its run folder closed as failed.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TrainEvent } from '../engine/events';
import { closeAbandonedRun } from '../engine/runs/abandonedRun';
import type { RunExperimentResult } from '../engine/runExperiment';
import { STOP_REQUESTED, trainingWorkerFailure, WorkerMessageType, type TrainingJob, type WorkerReplyTo } from '../protocol';

/** How often the stop request is looked at, in milliseconds. */
const STOP_POLL_MS = 100;

export interface WorkerTrainingOptions {
  job: Omit<TrainingJob, 'stopFlag'>;
  onRunCreated: (runDir: string) => void;
  onEvent: (event: TrainEvent) => void;
  shouldStop: () => boolean;
}

/**
 * The training worker: `worker.js` beside the `cli.js` bundle; run from source (under tsx, whose
 * loader a worker does not inherit), a script that loads tsx and then the worker's source.
 */
function startTrainingWorker(workerData: TrainingJob, fromDir: string = __dirname): Worker {
  const options = { workerData, resourceLimits: { maxOldGenerationSizeMb: workerData.memoryLimitMb } };
  const bundled = join(fromDir, 'worker.js');
  if (existsSync(bundled)) return new Worker(bundled, options);
  const source = join(fromDir, '..', 'worker', 'trainingWorker.ts');
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(source)});`, { ...options, eval: true });
}

export function trainInWorker({ job, onRunCreated, onEvent, shouldStop }: WorkerTrainingOptions): Promise<RunExperimentResult> {
  const stopFlag = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const worker = startTrainingWorker({ ...job, stopFlag });
  const stopPoll = setInterval(() => {
    if (shouldStop()) Atomics.store(new Int32Array(stopFlag), 0, STOP_REQUESTED);
  }, STOP_POLL_MS);
  let runDir: string | undefined;
  let settled = false;
  return new Promise<RunExperimentResult>((resolve, reject) => {
    // A worker that fails after its result, or exits after it, changes nothing.
    const abandon = (reason: string): void => {
      if (settled) return;
      settled = true;
      if (runDir === undefined) {
        reject(new Error(reason));
        return;
      }
      resolve({ runDir, summary: closeAbandonedRun(runDir, 'failed', reason) });
    };
    worker.on('message', (message: WorkerReplyTo<TrainingJob>) => {
      switch (message.type) {
        case WorkerMessageType.RunCreated:
          runDir = message.runDir;
          onRunCreated(message.runDir);
          break;
        case WorkerMessageType.Event:
          onEvent(message.event);
          break;
        case WorkerMessageType.Finished:
          settled = true;
          resolve({ runDir: message.runDir, summary: message.summary });
          break;
        case WorkerMessageType.Failed:
          abandon(message.reason);
          break;
      }
    });
    worker.on('error', (error: Error & { code?: string }) => abandon(trainingWorkerFailure(error, job.memoryLimitMb, '--memory-limit')));
    worker.on('exit', (code) => abandon(`the training worker exited with code ${code}`));
  }).finally(() => {
    clearInterval(stopPoll);
    void worker.terminate();
  });
}
