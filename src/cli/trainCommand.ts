/** `rnn-lab train SPEC`: validate, then train every run of the sweep in order. */
import { TRAIN_ENGINES } from '../engine/engineKind';
import { runWithPytorch } from '../engine/pytorch/pytorchRun';
import { runExperiment, type RunExperimentOptions } from '../engine/runExperiment';
import { expandSweep, groupedSweepPoints } from '../engine/spec/sweep';
import type { ExperimentSpec } from '../engine/spec/types';
import type { CliContext } from './context';
import { JsonReporter, TextReporter, type PlannedRun } from './trainReport';
import { backendPreference, engineKind, ENGINE_OPTIONS, EXIT, LIMIT_OPTIONS, parseCommandArgs, specLimits, UsageError } from './usage';
import { checkSpec } from './validateCommand';

export async function trainCommand(args: string[], context: CliContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    epochs: { type: 'string' },
    json: { type: 'boolean', default: false },
    runs: { type: 'string' },
    python: { type: 'string' },
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
  const spec = checkSpec(specPath, context, values.json ? process.stderr : process.stdout, limits);
  if (!spec) {
    return EXIT.failed;
  }
  const reporter = values.json ? new JsonReporter() : new TextReporter();
  const sweep = expandSweep(spec);
  // The runs of a sweep are recorded as one group, which the panel's Sweep view summarises.
  const points = spec.sweep ? groupedSweepPoints(sweep) : undefined;
  const runs: (PlannedRun & { spec: ExperimentSpec })[] = sweep.map((point, i) => ({
    index: i + 1,
    total: sweep.length,
    sweep: points?.[i],
    spec: epochs === undefined ? point.spec : { ...point.spec, training: { ...point.spec.training, epochs } },
  }));

  let stopRequested = false;
  const onInterrupt = (): void => {
    if (stopRequested) {
      process.exit(EXIT.interrupted);
    }
    stopRequested = true;
    reporter.stopping();
  };
  process.on('SIGINT', onInterrupt);
  try {
    for (const run of runs) {
      if (stopRequested) {
        break;
      }
      const options: Omit<RunExperimentOptions, 'backend' | 'engine'> = {
        spec: run.spec,
        sweep: run.sweep,
        specPath,
        runsRoot: values.runs,
        resourcesDir: context.resourcesDir,
        memoryLimitMb: limits.memoryLimitMb,
        onRunCreated: (runDir) => reporter.runCreated(run, runDir),
        onEvent: (event) => reporter.event(event),
        shouldStop: () => stopRequested,
      };
      run.result =
        engine === 'pytorch'
          ? await runWithPytorch({ ...options, python: values.python, choosePython: 'pass --python PATH' })
          : await runExperiment({ ...options, backend, engine });
      reporter.runFinished({ ...run, result: run.result });
    }
    reporter.allFinished(runs);
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  if (stopRequested) {
    return EXIT.interrupted;
  }
  return runs.some((run) => run.result?.summary.status === 'failed') ? EXIT.failed : EXIT.ok;
}
