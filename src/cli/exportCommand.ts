/** `rnn-lab export RUN_FOLDER --weights FILE --metrics FILE`: a run's weights and metrics for other tools. */
import { writeFileSync } from 'node:fs';
import { notARunFolder } from '../engine/runs/deleteRun';
import { exportMetricsFile, exportWeightsJson, metricsFormatOf, runWeightsSafetensors } from '../engine/runs/exportRun';
import { EXIT, parseCommandArgs, UsageError } from './usage';

export function exportCommand(args: string[]): number {
  const { values, positionals } = parseCommandArgs(args, { weights: { type: 'string' }, metrics: { type: 'string' } });
  if (positionals.length !== 1) {
    throw new UsageError('export takes exactly one run folder');
  }
  if (values.weights === undefined && values.metrics === undefined) {
    throw new UsageError('export needs --weights FILE (.safetensors or .json) and/or --metrics FILE (.csv or .json)');
  }
  if (values.weights !== undefined && !/\.(safetensors|json)$/i.test(values.weights)) {
    throw new UsageError('--weights FILE must end in .safetensors or .json');
  }
  if (values.metrics !== undefined && metricsFormatOf(values.metrics) === undefined) {
    throw new UsageError('--metrics FILE must end in .csv or .json');
  }
  const runDir = positionals[0];
  // The same test as before deleting: a folder with a run's files and nothing else.
  const problem = notARunFolder(runDir);
  if (problem) {
    throw new Error(problem);
  }
  if (values.weights !== undefined) {
    if (/\.json$/i.test(values.weights)) {
      exportWeightsJson(runDir, values.weights);
    } else {
      writeFileSync(values.weights, runWeightsSafetensors(runDir));
    }
    process.stdout.write(`Weights: ${values.weights}\n`);
  }
  if (values.metrics !== undefined) {
    exportMetricsFile(runDir, values.metrics);
    process.stdout.write(`Metrics: ${values.metrics}\n`);
  }
  return EXIT.ok;
}
