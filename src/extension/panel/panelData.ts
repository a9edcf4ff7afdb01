/**
 * What the experiment panel is sent, built from a run folder or a live run: headers, step rows
 * thinned to a screenful, probes capped in size and comparisons. No vscode import.
 */
import { basename } from 'node:path';
import { downsampleExtrema, gradientRowLabels } from '../../charts';
import { describeEngine } from '../../engine/format';
import type { EpochEvent, GeneratedText, LayerProbe, PredictionProbe, ProbeEvent, StepEvent } from '../../engine/events';
import { followEvents } from '../../engine/runs/runFollower';
import { runDisplayName, type RunAnnotations } from '../../engine/runs/annotations';
import { iterateProbes, type RunRecord } from '../../engine/runs/runReader';
import type { RunSummary } from '../../engine/runs/summary';
import type { PanelCompareRun, PanelGradientFlow, PanelRunHeader, PanelRunItem, PanelStepRow } from '../../protocol';
import type { SweepMember } from '../training/sweepSummary';
import type { TrainingRun } from '../training/trainingRun';

/** Step rows in one full load; longer runs keep each bucket's extrema. */
export const MAX_STEP_ROWS = 2000;
/** Step rows in one live update. */
export const MAX_STEP_ROWS_PER_UPDATE = 200;
/** Probe caps: samples, units per layer, time steps, prediction rows. */
export const PROBE_LIMITS = { samples: 4, units: 64, time: 256, rows: 500 } as const;

/** The id the panel uses for a run: its folder name, or a placeholder while it is queued. */
export function liveRunId(run: TrainingRun): string {
  return run.runDir ? basename(run.runDir) : `queued-${run.key}`;
}

export function stepRow(event: StepEvent): PanelStepRow {
  return {
    step: event.step,
    epoch: event.epoch,
    loss: event.loss,
    learningRate: event.learningRate,
    ...(event.elapsedMs !== undefined ? { elapsedMs: event.elapsedMs } : {}),
  };
}

/** Step rows thinned to `max`, keeping the extremes of the loss. */
export function thinSteps(rows: PanelStepRow[], max: number): PanelStepRow[] {
  return downsampleExtrema(rows, max, 'loss');
}

/** A stored run in the panel's list, by the name the user gave it, else its sweep label or id. */
export function itemOfSummary(summary: RunSummary, annotations?: RunAnnotations): PanelRunItem {
  return {
    id: summary.id,
    label: runDisplayName(summary, annotations),
    status: summary.status,
    startedAt: summary.startedAt,
    bestValidationLoss: summary.bestValidationLoss,
    bestValidationAccuracy: summary.bestValidationAccuracy,
    live: false,
  };
}

function startedAtOfLiveRun(run: TrainingRun): string {
  return new Date(run.progress.start?.time ?? run.queuedAt).toISOString();
}

export function itemOfLiveRun(run: TrainingRun): PanelRunItem {
  const { bestValidationLoss, bestValidationAccuracy } = run.progress;
  return {
    id: liveRunId(run),
    label: run.sweepRun.label || liveRunId(run),
    status: run.state,
    startedAt: startedAtOfLiveRun(run),
    bestValidationLoss,
    bestValidationAccuracy,
    live: run.isActive,
  };
}

/** A live run of this window as a member of its sweep's summary. */
export function sweepMemberOfLiveRun(run: TrainingRun, now = Date.now()): SweepMember {
  return {
    id: liveRunId(run),
    status: run.state,
    sweep: run.sweepPoint,
    startedAt: startedAtOfLiveRun(run),
    bestValidationLoss: run.progress.bestValidationLoss,
    bestEpoch: run.progress.bestEpoch,
    bestValidationAccuracy: run.progress.bestValidationAccuracy,
    epochsDone: run.progress.epochsDone,
    epochsPlanned: run.progress.epochsPlanned || run.sweepRun.spec.training.epochs,
    durationMs: headerOfLiveRun(run, now).elapsedMs,
  };
}

export function headerOfLiveRun(run: TrainingRun, now = Date.now()): PanelRunHeader {
  const { epoch, epochsPlanned, step, stepsPerEpoch, stepsPerSecond, start, endedAt } = run.progress;
  return {
    id: liveRunId(run),
    name: run.name,
    status: run.state,
    reason: run.reason,
    live: run.isActive,
    epoch,
    epochs: epochsPlanned,
    step,
    stepsPerEpoch,
    elapsedMs: start ? Math.max(0, (endedAt ?? now) - start.time) : 0,
    stepsPerSecond,
    engine: describeEngine(start?.engine, start?.backend, start),
    cell: start?.cell,
    baseline: start?.baseline,
    findings: run.findings,
    dataFile: start?.dataFile,
  };
}

export function headerOfRecord(record: RunRecord): PanelRunHeader {
  const { summary } = record;
  const run = followEvents(record.metrics);
  const start = run.start;
  return {
    id: summary.id,
    name: summary.sweep?.label ? `${summary.experiment} (${summary.sweep.label})` : summary.experiment,
    status: summary.status,
    reason: summary.reason,
    live: false,
    epoch: run.epoch || summary.epochsDone,
    epochs: summary.epochsPlanned ?? start?.epochs ?? summary.epochsDone,
    step: summary.steps,
    stepsPerEpoch: run.stepsPerEpoch,
    elapsedMs: summary.durationMs,
    stepsPerSecond: summary.stepsPerSecondMedian,
    engine: describeEngine(summary.engine, summary.backend, summary),
    cell: start?.cell,
    baseline: summary.baseline,
    findings: summary.findings,
    dataFile: summary.dataFile,
  };
}

/** The step rows and epochs of a recorded run. */
export function historyOfRecord(record: RunRecord): { steps: PanelStepRow[]; epochs: EpochEvent[] } {
  const steps: PanelStepRow[] = [];
  const epochs: EpochEvent[] = [];
  for (const event of record.metrics) {
    if (event.type === 'step') steps.push(stepRow(event));
    else if (event.type === 'epoch') epochs.push(event);
  }
  return { steps: thinSteps(steps, MAX_STEP_ROWS), epochs };
}

/** The probe epochs of a run folder and their gradient flow; reads every probe once, one at a time. */
export function probeIndex(runDir: string): { probeEpochs: number[]; gradients: PanelGradientFlow[] } {
  const gradients: PanelGradientFlow[] = [];
  for (const probe of iterateProbes(runDir)) {
    gradients.push(gradientFlow(probe));
  }
  return { probeEpochs: gradients.map((g) => g.epoch), gradients };
}

export function gradientFlow(probe: ProbeEvent): PanelGradientFlow {
  const norms = probe.gradientNorms.map((layer) => layer.slice(0, PROBE_LIMITS.time));
  const flow = { epoch: probe.epoch, norms, rows: gradientRowLabels(probe.layers) };
  return probe.steps === undefined ? flow : { ...flow, steps: probe.steps.slice(0, PROBE_LIMITS.time) };
}

/** One probe epoch of a run folder, or undefined when it has none. */
export function readProbe(runDir: string, epoch: number): ProbeEvent | undefined {
  for (const probe of iterateProbes(runDir)) {
    if (probe.epoch === epoch) return probe;
  }
  return undefined;
}

/** The last probe of a run folder, or undefined when it has none. */
export function latestProbe(runDir: string): ProbeEvent | undefined {
  let last: ProbeEvent | undefined;
  for (const probe of iterateProbes(runDir)) last = probe;
  return last;
}

/** A probe cut to the panel's limits: a few samples, units and time steps. */
export function capProbe(probe: ProbeEvent): ProbeEvent {
  const { samples, units, time, rows } = PROBE_LIMITS;
  const capLayer = (layer: LayerProbe): LayerProbe => ({
    layer: layer.layer,
    quantities: Object.fromEntries(
      Object.entries(layer.quantities).map(([quantity, values]) => [
        quantity,
        values.slice(0, samples).map((sample) => sample.slice(0, units).map((unit) => unit.slice(0, time))),
      ]),
    ),
  });
  const inputs = (probe.inputs as (number[][] | string[])[]).slice(0, samples).map((sample) => sample.slice(0, time)) as ProbeEvent['inputs'];
  return {
    ...probe,
    samples: probe.samples.slice(0, samples),
    ...(probe.steps === undefined ? {} : { steps: probe.steps.slice(0, time) }),
    inputs,
    layers: probe.layers.map(capLayer),
    gradientNorms: probe.gradientNorms.map((layer) => layer.slice(0, time)),
    predictions: capPredictions(probe.predictions, rows, samples, time),
    generated: probe.generated && capGenerated(probe.generated),
  };
}

/** A generated sample with the activations of at most `PROBE_LIMITS.units` units. */
export function capGenerated(generated: GeneratedText): GeneratedText {
  return { ...generated, activations: generated.activations.slice(0, PROBE_LIMITS.units) };
}

function capPredictions(predictions: PredictionProbe, rows: number, samples: number, time: number): PredictionProbe {
  switch (predictions.kind) {
    case 'forecast':
      return { ...predictions, targets: predictions.targets.slice(0, rows), predictions: predictions.predictions.slice(0, rows) };
    case 'classify':
      return { ...predictions, labels: predictions.labels.slice(0, rows), predicted: predictions.predicted.slice(0, rows) };
    case 'tokens':
      return {
        ...predictions,
        labels: predictions.labels.slice(0, samples).map((s) => s.slice(0, time)),
        predicted: predictions.predicted.slice(0, samples).map((s) => s.slice(0, time)),
      };
  }
}

/** A recorded run as one entry of the comparison, by the name the user gave it, else its sweep label or id. */
export function compareRunOfRecord(record: RunRecord, annotations?: RunAnnotations): PanelCompareRun {
  const { summary } = record;
  return {
    id: summary.id,
    label: runDisplayName(summary, annotations),
    status: summary.status,
    epochs: record.metrics
      .filter((event): event is EpochEvent => event.type === 'epoch')
      .map(({ epoch, validationLoss, validationAccuracy }) => ({ epoch, validationLoss, validationAccuracy })),
    // The engine too, so that Compare's table of differing settings tells a PyTorch run from a kernel run.
    config: { ...(record.spec ? flattenConfig(record.spec.spec) : {}), engine: describeEngine(summary.engine, summary.backend, summary) ?? 'unknown' },
    bestValidationLoss: summary.bestValidationLoss,
    bestEpoch: summary.bestEpoch,
    bestValidationAccuracy: summary.bestValidationAccuracy,
    durationMs: summary.durationMs,
  };
}

/** A nested object as `a.b.c → JSON text of the value`, arrays kept whole. */
export function flattenConfig(value: unknown, prefix = '', into: Record<string, string> = {}): Record<string, string> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) {
      flattenConfig(child, prefix ? `${prefix}.${key}` : key, into);
    }
  } else if (value !== undefined && prefix !== '') {
    into[prefix] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return into;
}
