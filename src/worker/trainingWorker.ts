/**
 * The worker: runs one experiment with the headless engine and streams its events to the
 * extension host, or samples text from a finished run's weights (a generation job). Uncaught
 * errors reach the host as the worker's `error`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TrainEvent } from '../engine/events';
import { runWithPytorch } from '../engine/pytorch/pytorchRun';
import { resumeExperiment, runExperiment, type RunExperimentResult } from '../engine/runExperiment';
import { STOP_REQUESTED, WorkerMessageType, type GenerationJob, type TrainingJob, type WorkerJob, type WorkerReplyTo } from '../protocol';
import { generateFromRun } from './generation';

/** Posts a message to the host: only the replies the protocol pairs with the job's kind. */
function post<J extends WorkerJob>(_job: J, message: WorkerReplyTo<J>): void {
  parentPort?.postMessage(message);
}

function train(job: TrainingJob): void {
  const stopFlag = new Int32Array(job.stopFlag);
  const common = {
    specPath: job.specPath,
    backend: job.backend,
    resourcesDir: job.resourcesDir,
    memoryLimitMb: job.memoryLimitMb,
    threads: job.threads,
    onRunCreated: (runDir: string) => post(job, { type: WorkerMessageType.RunCreated, runDir }),
    onEvent: (event: TrainEvent) => post(job, { type: WorkerMessageType.Event, event }),
    shouldStop: () => Atomics.load(stopFlag, 0) === STOP_REQUESTED,
  };
  const finished = ({ runDir, summary }: RunExperimentResult) => post(job, { type: WorkerMessageType.Finished, runDir, summary });
  if (job.resumeRunDir) {
    // A resumed run goes on with the engine it was trained with. One that cannot be resumed rejects,
    // changing nothing: the host reports it as the worker's error.
    void resumeExperiment({ ...common, engine: undefined, runDir: job.resumeRunDir }).then(finished);
    return;
  }
  const fresh = { ...common, spec: job.spec, sweep: job.sweep, runsRoot: job.runsRoot };
  if (job.engine !== 'pytorch') {
    void runExperiment({ ...fresh, engine: job.engine }).then(finished);
    return;
  }
  // No Python with torch: the run never started, and the host says why.
  runWithPytorch({ ...fresh, python: job.python, pythonFallbacks: job.pythonFallbacks }).then(finished, (error: unknown) =>
    post(job, { type: WorkerMessageType.Failed, reason: error instanceof Error ? error.message : String(error) }),
  );
}

function generate(job: GenerationJob): void {
  generateFromRun(job).then(
    (generated) => post(job, { type: WorkerMessageType.Generated, generated }),
    (error: unknown) => post(job, { type: WorkerMessageType.Generated, error: error instanceof Error ? error.message : String(error) }),
  );
}

const job = workerData as WorkerJob;
if ('kind' in job && job.kind === 'generate') {
  generate(job);
} else {
  train(job as TrainingJob);
}
