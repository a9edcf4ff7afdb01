/**
 * The worker: runs one experiment with the headless engine and streams its events to the
 * extension host, or samples text from a finished run's weights (a generation job). Uncaught
 * errors reach the host as the worker's `error`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { TrainEvent } from '../engine/events';
import { resumeExperiment, runExperiment } from '../engine/runExperiment';
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
    engine: job.engine,
    resourcesDir: job.resourcesDir,
    memoryLimitMb: job.memoryLimitMb,
    onRunCreated: (runDir: string) => post(job, { type: WorkerMessageType.RunCreated, runDir }),
    onEvent: (event: TrainEvent) => post(job, { type: WorkerMessageType.Event, event }),
    shouldStop: () => Atomics.load(stopFlag, 0) === STOP_REQUESTED,
  };
  const run = job.resumeRunDir
    ? // A resumed run goes on with the engine it was trained with.
      resumeExperiment({ ...common, engine: undefined, runDir: job.resumeRunDir })
    : runExperiment({ ...common, spec: job.spec, sweep: job.sweep, runsRoot: job.runsRoot });
  // A run that cannot be resumed rejects, changing nothing: the host reports it as the worker's error.
  void run.then(({ runDir, summary }) => post(job, { type: WorkerMessageType.Finished, runDir, summary }));
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
