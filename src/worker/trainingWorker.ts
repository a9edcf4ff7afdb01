/**
 * The worker: runs one experiment with the headless engine and streams its events to the
 * extension host, or samples text from a finished run's weights (a generation job). Uncaught
 * errors reach the host as the worker's `error`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runWithPytorch } from '../engine/pytorch/pytorchRun';
import { runExperiment, type RunExperimentOptions } from '../engine/runExperiment';
import { STOP_REQUESTED, WorkerMessageType, type GenerationJob, type TrainingJob, type WorkerJob, type WorkerMessage } from '../protocol';
import { generateFromRun } from './generation';

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

function train(job: TrainingJob): void {
  const stopFlag = new Int32Array(job.stopFlag);
  const options: Omit<RunExperimentOptions, 'backend' | 'engine'> = {
    spec: job.spec,
    sweep: job.sweep,
    specPath: job.specPath,
    runsRoot: job.runsRoot,
    resourcesDir: job.resourcesDir,
    memoryLimitMb: job.memoryLimitMb,
    onRunCreated: (runDir) => post({ type: WorkerMessageType.RunCreated, runDir }),
    onEvent: (event) => post({ type: WorkerMessageType.Event, event }),
    shouldStop: () => Atomics.load(stopFlag, 0) === STOP_REQUESTED,
  };
  const run =
    job.engine === 'pytorch'
      ? runWithPytorch({ ...options, python: job.python, pythonFallbacks: job.pythonFallbacks })
      : runExperiment({ ...options, backend: job.backend, engine: job.engine });
  run.then(
    ({ runDir, summary }) => post({ type: WorkerMessageType.Finished, runDir, summary }),
    (error: unknown) => post({ type: WorkerMessageType.Failed, reason: error instanceof Error ? error.message : String(error) }),
  );
}

function generate(job: GenerationJob): void {
  generateFromRun(job).then(
    (generated) => post({ type: WorkerMessageType.Generated, generated }),
    (error: unknown) => post({ type: WorkerMessageType.Generated, error: error instanceof Error ? error.message : String(error) }),
  );
}

const job = workerData as WorkerJob;
if ('kind' in job && job.kind === 'generate') {
  generate(job);
} else {
  train(job as TrainingJob);
}
