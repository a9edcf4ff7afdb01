/**
 * Exports of one run folder, read as they are needed: the metrics streamed, the weights on
 * demand. A missing or damaged source file fails the export with its name, writing nothing.
 */
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWeightsFile } from '../model/weightsFile';
import { readAnnotations } from './annotations';
import { metricsCsv, metricsJson, safetensorsBytes } from './export';
import { RUN_FILES } from './layout';
import { iterateMetrics, readJson, readSummary } from './runReader';
import { isStoredSpec } from './storedSpec';

export type MetricsFormat = 'csv' | 'json';

/** The format a file name asks for (`.csv` or `.json`), or undefined. */
export function metricsFormatOf(path: string): MetricsFormat | undefined {
  const match = /\.(csv|json)$/i.exec(path);
  return match ? (match[1].toLowerCase() as MetricsFormat) : undefined;
}

/** A run's metrics as CSV or JSON text; throws when the run has no `metrics.jsonl`. */
export function runMetricsText(runDir: string, format: MetricsFormat): string {
  const metricsPath = join(runDir, RUN_FILES.metrics);
  if (!existsSync(metricsPath)) {
    throw new Error(`${metricsPath}: no such file; the run recorded no metrics to export`);
  }
  if (format === 'csv') {
    return metricsCsv(iterateMetrics(runDir));
  }
  const spec = readJson(join(runDir, RUN_FILES.spec));
  const annotations = readAnnotations(runDir);
  return metricsJson({
    summary: readSummary(runDir).summary,
    spec: isStoredSpec(spec) ? spec : undefined,
    annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
    events: iterateMetrics(runDir),
  });
}

/** A run's final weights as a safetensors file; throws when the run saved none or the file is damaged. */
export function runWeightsSafetensors(runDir: string): Buffer {
  const weightsPath = savedWeightsPath(runDir);
  const summary = readSummary(runDir).summary;
  const spec = readJson(join(runDir, RUN_FILES.spec));
  const model = isStoredSpec(spec) ? spec.spec.model : undefined;
  const metadata: Record<string, string> = { format: 'pt', run: summary.id, experiment: summary.experiment };
  if (model) metadata.model = JSON.stringify(model);
  return safetensorsBytes(readWeightsFile(weightsPath), metadata);
}

/** Copies a run's `weights.json` to `target` once it is known to be whole; throws naming the file otherwise. */
export function exportWeightsJson(runDir: string, target: string): void {
  const weightsPath = savedWeightsPath(runDir);
  readWeightsFile(weightsPath);
  copyFileSync(weightsPath, target);
}

function savedWeightsPath(runDir: string): string {
  const weightsPath = join(runDir, RUN_FILES.weights);
  if (!existsSync(weightsPath)) {
    throw new Error(`the run in ${runDir} has no saved weights (${RUN_FILES.weights}): it failed or was interrupted before the end`);
  }
  return weightsPath;
}

/** Writes a run's metrics to `target`, in the format its extension names. */
export function exportMetricsFile(runDir: string, target: string): void {
  const format = metricsFormatOf(target);
  if (!format) throw new Error(`${target}: metrics are exported as .csv or .json`);
  writeFileSync(target, runMetricsText(runDir, format));
}
