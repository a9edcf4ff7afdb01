/**
 * `rnn-lab train SPEC`: validate, then train the runs of the sweep, in order, `--parallel N` at
 * once (automatic: one per core), each in its own worker thread when more than one; with
 * `--resume RUN_FOLDER`, continue that stopped or interrupted run of SPEC from its checkpoint.
 * SIGINT, SIGTERM and SIGHUP stop after the current step, keeping the run as `stopped`.
 */
import { dirname, resolve } from 'node:path';
import { TRAIN_ENGINES } from '../engine/engineKind';
import type { TrainEvent } from '../engine/events';
import { DEFAULT_MEMORY_LIMIT_MB } from '../engine/resources/memoryLimit';
import { parallelRuns, threadsPerRun } from '../engine/resources/parallelRuns';
import { runQueued } from '../engine/runs/runQueue';
import { runWithPytorch } from '../engine/pytorch/pytorchRun';
import { resumeExperiment, runExperiment, type RunExperimentOptions } from '../engine/runExperiment';
import { defaultRunsRoot, legacyExperimentSlug } from '../engine/runs/layout';
import { specRunsDir } from '../engine/runs/legacyRuns';
import { expandSweep, groupedSweepPoints } from '../engine/spec/sweep';
import type { ExperimentSpec } from '../engine/spec/types';
import type { CliContext } from './context';
import { JsonReporter, TextReporter, type PlannedRun, type TrainReporter } from './trainReport';
import {
  backendPreference,
  engineKind,
  ENGINE_OPTIONS,
  EXIT,
  LIMIT_OPTIONS,
  parallelOption,
  parseCommandArgs,
  specLimits,
  threadsOption,
  UsageError,
} from './usage';
import { checkSpec } from './validateCommand';
import { trainInWorker } from './workerTraining';

export async function trainCommand(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    epochs: { type: 'string' },
    json: { type: 'boolean', default: false },
    runs: { type: 'string' },
    resume: { type: 'string' },
    python: { type: 'string' },
    parallel: { type: 'string' },
    threads: { type: 'string' },
    ...ENGINE_OPTIONS,
    ...LIMIT_OPTIONS,
  });
  if (positionals.length !== 1) {
    throw new UsageError('train takes exactly one spec file');
  }
  const backend = backendPreference(values.backend);
  const engine = engineKind(values.engine, TRAIN_ENGINES);
  const epochs = values.epochs === undefined ? undefined : Number(values.epochs);
  if (epochs !== undefined && !(Number.isInteger(epochs) && epochs > 0)) {
    throw new UsageError('--epochs must be a positive whole number');
  }

  const specPath = positionals[0];
  const limits = specLimits(values);
  const threads = threadsOption(values.threads);
  if (values.resume !== undefined) {
    if (epochs !== undefined) throw new UsageError('--resume continues a run with its recorded spec: --epochs cannot change it');
    if (engine === 'pytorch') throw new UsageError('--resume continues a run on the kernels or tfjs engine, not --engine pytorch');
    const runsRoot = values.runs ?? defaultRunsRoot(specPath);
    const runDir = resolve(values.resume);
    const own = [specRunsDir(runsRoot, specPath), resolve(runsRoot, legacyExperimentSlug(specPath))].map((dir) => resolve(dir));
    if (!own.includes(dirname(runDir))) {
      throw new Error(`${values.resume} is not a run of ${specPath}: its runs are in ${own[0]}`);
    }
    const reporter = values.json ? new JsonReporter() : new TextReporter();
    const run: PlannedRun = { index: 1, total: 1 };
    const result = await withStopSignals(reporter, (shouldStop) =>
      resumeExperiment({
        runDir,
        specPath,
        backend,
        // The engine the run was trained with, unless --engine is given.
        engine: args.some((arg) => arg === '--engine' || arg.startsWith('--engine=')) ? engine : undefined,
        resourcesDir: context.resourcesDir,
        memoryLimitMb: limits.memoryLimitMb,
        threads: threadsPerRun(threads, 1),
        onRunCreated: (dir) => reporter.runCreated(run, dir),
        onEvent: (event) => reporter.event(event, run),
        shouldStop,
      }),
    );
    reporter.runFinished({ ...run, result: result.value });
    reporter.allFinished([{ ...run, result: result.value }]);
    return result.stopped ? EXIT.interrupted : result.value.summary.status === 'failed' ? EXIT.failed : EXIT.ok;
  }
  const spec = checkSpec(specPath, context, values.json ? process.stderr : process.stdout, limits);
  if (!spec) {
    return EXIT.failed;
  }
  const sweep = expandSweep(spec);
  const memoryLimitMb = limits.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
  const parallel = parallelRuns({
    requested: parallelOption(values.parallel),
    threadsPerRun: threads,
    memoryLimitMb,
    knob: '--parallel',
    memoryKnob: '--memory-limit',
  });
  // The automatic choice is lowered silently; an explicit --parallel N says why it got fewer.
  if (parallel.reduced && values.parallel !== undefined) process.stderr.write(`rnn-lab train: ${parallel.reduced}\n`);
  const runsAtOnce = Math.min(parallel.count, sweep.length);
  const inParallel = runsAtOnce > 1;
  const runThreads = threadsPerRun(threads, runsAtOnce);
  const reporter = values.json ? new JsonReporter(inParallel) : new TextReporter(inParallel);
  // The runs of a sweep are recorded as one group, which the panel's Sweep view summarises.
  const points = spec.sweep ? groupedSweepPoints(sweep) : undefined;
  const runs: (PlannedRun & { spec: ExperimentSpec })[] = sweep.map((point, i) => ({
    index: i + 1,
    total: sweep.length,
    sweep: points?.[i],
    spec: epochs === undefined ? point.spec : { ...point.spec, training: { ...point.spec.training, epochs } },
  }));

  const { stopped } = await withStopSignals(reporter, async (shouldStop) => {
    const train = async (run: (typeof runs)[number], _index: number, started: () => void): Promise<void> => {
      const options = {
        spec: run.spec,
        sweep: run.sweep,
        specPath,
        resourcesDir: context.resourcesDir,
        onRunCreated: (runDir: string) => {
          reporter.runCreated(run, runDir);
          started();
        },
        onEvent: (event: TrainEvent) => reporter.event(event, run),
        shouldStop,
      };
      if (inParallel) {
        const runsRoot = values.runs ?? defaultRunsRoot(specPath);
        const job = {
          spec: run.spec,
          sweep: run.sweep,
          specPath,
          runsRoot,
          resourcesDir: context.resourcesDir,
          backend,
          engine,
          python: values.python,
          memoryLimitMb,
          threads: runThreads,
        };
        run.result = await trainInWorker({ ...options, job });
      } else {
        const inProcess: Omit<RunExperimentOptions, 'backend' | 'engine'> = {
          ...options,
          runsRoot: values.runs,
          memoryLimitMb: limits.memoryLimitMb,
          threads: runThreads,
        };
        run.result =
          engine === 'pytorch'
            ? await runWithPytorch({ ...inProcess, python: values.python, choosePython: 'pass --python PATH' })
            : await runExperiment({ ...inProcess, backend, engine });
      }
      reporter.runFinished({ ...run, result: run.result });
    };
    await runQueued(runs, train, { limit: parallel.count, shouldStop });
    reporter.allFinished(runs);
  });
  if (stopped) {
    return EXIT.interrupted;
  }
  return runs.some((run) => run.result?.summary.status === 'failed') ? EXIT.failed : EXIT.ok;
}

/** The signals that stop training cleanly: Ctrl-C, `kill`, and a closed terminal. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Runs `train` with the stop signals turned into a stop request it polls; a second signal quits
 * at once. Says whether a stop was requested.
 */
async function withStopSignals<T>(reporter: TrainReporter, train: (shouldStop: () => boolean) => Promise<T>): Promise<{ value: T; stopped: boolean }> {
  let stopRequested = false;
  const onSignal = (): void => {
    if (stopRequested) {
      process.exit(EXIT.interrupted);
    }
    stopRequested = true;
    reporter.stopping();
  };
  STOP_SIGNALS.forEach((signal) => process.on(signal, onSignal));
  try {
    const value = await train(() => stopRequested);
    return { value, stopped: stopRequested };
  } finally {
    STOP_SIGNALS.forEach((signal) => process.off(signal, onSignal));
  }
}
