/**
 * The training worker: runs one experiment with the headless engine and streams its
 * events to the extension host. Uncaught errors reach the host as the worker's `error`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runExperiment } from '../engine/runExperiment';
import { STOP_REQUESTED, WorkerMessageType, type TrainingJob, type WorkerMessage } from '../protocol';

const job = workerData as TrainingJob;
const stopFlag = new Int32Array(job.stopFlag);

function post(message: WorkerMessage): void {
  parentPort?.postMessage(message);
}

void runExperiment({
  spec: job.spec,
  sweep: job.sweep,
  specPath: job.specPath,
  runsRoot: job.runsRoot,
  backend: job.backend,
  resourcesDir: job.resourcesDir,
  onRunCreated: (runDir) => post({ type: WorkerMessageType.RunCreated, runDir }),
  onEvent: (event) => post({ type: WorkerMessageType.Event, event }),
  shouldStop: () => Atomics.load(stopFlag, 0) === STOP_REQUESTED,
}).then(({ runDir, summary }) => post({ type: WorkerMessageType.Finished, runDir, summary }));
