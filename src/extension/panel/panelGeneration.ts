/** Sampling text from a finished run's saved weights in a short-lived worker, for the panel's Generate button. */
import { Worker } from 'node:worker_threads';
import type { GeneratedText } from '../../engine/events';
import type { GenerationJob, WorkerReplyTo } from '../../protocol';

/** A generation job that takes longer than this is ended. */
const GENERATION_TIMEOUT_MS = 60_000;

/** Runs a generation job in its own worker; rejects with the worker's reason when it cannot sample. */
export function generateInWorker(workerPath: string, job: GenerationJob, memoryLimitMb: number): Promise<GeneratedText> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerPath, { workerData: job, resourceLimits: { maxOldGenerationSizeMb: memoryLimitMb } });
    const timer = setTimeout(() => settle(() => reject(new Error(`no sample after ${GENERATION_TIMEOUT_MS / 1000} s`))), GENERATION_TIMEOUT_MS);
    let settled = false;
    const settle = (done: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      done();
    };
    worker.on('message', (message: WorkerReplyTo<GenerationJob>) => {
      settle(() => (message.generated ? resolve(message.generated) : reject(new Error(message.error ?? 'no sample'))));
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`the worker exited with code ${code}`))));
  });
}
