/**
 * The worker: runs one experiment with the headless engine and streams its events to the
 * extension host, or samples text from a finished run's weights (a generation job). Uncaught
 * errors reach the host as the worker's `error`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runExperiment } from '../engine/runExperiment';
import { STOP_REQUESTED, WorkerMessageType, type GenerationJob, type TrainingJob, type WorkerJob, type WorkerReplyTo } from '../protocol';
import { generateFromRun } from './generation';

/** Posts a message to the host: only the replies the protocol pairs with the job's kind. */
function post<J extends WorkerJob>(_job: J, message: WorkerReplyTo<J>): void {
  parentPort?.postMessage(message);
}

function train(job: TrainingJob): void {
  const stopFlag = new Int32Array(job.stopFlag);
  void runExperiment({
    spec: job.spec,
    sweep: job.sweep,
    specPath: job.specPath,
    runsRoot: job.runsRoot,
    backend: job.backend,
    engine: job.engine,
    resourcesDir: job.resourcesDir,
    memoryLimitMb: job.memoryLimitMb,
    onRunCreated: (runDir) => post(job, { type: WorkerMessageType.RunCreated, runDir }),
    onEvent: (event) => post(job, { type: WorkerMessageType.Event, event }),
    shouldStop: () => Atomics.load(stopFlag, 0) === STOP_REQUESTED,
  }).then(({ runDir, summary }) => post(job, { type: WorkerMessageType.Finished, runDir, summary }));
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
