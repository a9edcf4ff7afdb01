/** Builds the probe event: what the panel shows of the network's inside at an epoch. */
import type { Dataset } from '../data/types';
import type { PredictionProbe, ProbeEvent } from '../events';
import type { SequenceModel } from '../model/types';
import { MAX_PROBE_VALUES, probeValues } from '../resources/estimate';
import { isLanguageModel } from '../spec/dataKinds';
import type { ExperimentSpec } from '../spec/types';
import { gatherBatch } from './batches';

/** At most this many validation predictions go into a probe (forecast and classify). */
export const MAX_PREDICTIONS = 500;

/** Validation outputs collected while evaluating the epoch, in sample order. */
export interface ValidationOutputs {
  /** Forecast: [n, outputSize]; classify: [n, classes]. Token tasks leave it empty. */
  outputs: number[][];
}

/**
 * How much of a probe is recorded: all of it when it fits in `MAX_PROBE_VALUES` numbers; else
 * fewer samples (down to one), then every k-th time step, so that a record stays a few tens of
 * megabytes of JSON whatever the model's size.
 */
export function probeExtent(spec: ExperimentSpec, dataset: Pick<Dataset, 'seqLength' | 'validation'>): { count: number; steps?: number[] } {
  const shape = { seqLength: dataset.seqLength, validation: dataset.validation.count };
  const wanted = Math.min(spec.probe.samples, dataset.validation.count);
  const perSample = wanted === 0 ? 0 : probeValues(spec, shape) / wanted;
  const count = Math.max(Math.min(wanted, 1), Math.min(wanted, Math.floor(MAX_PROBE_VALUES / Math.max(perSample, 1))));
  const stride = Math.ceil((count * perSample) / MAX_PROBE_VALUES);
  if (stride <= 1) return { count };
  return { count, steps: Array.from({ length: Math.ceil(dataset.seqLength / stride) }, (_, i) => i * stride) };
}

export function buildProbe(epoch: number, spec: ExperimentSpec, dataset: Dataset, model: SequenceModel, validation: ValidationOutputs): ProbeEvent {
  const { count, steps } = probeExtent(spec, dataset);
  const samples = Array.from({ length: count }, (_, i) => i);
  const batch = gatherBatch(dataset, dataset.validation, samples);
  const result = model.probe(batch, steps);
  const keep = <T>(perStep: T[]): T[] => (steps === undefined ? perStep : steps.map((t) => perStep[t]));
  const inputs = probeInputs(dataset, batch.inputs, count);
  const predictions = predictionProbe(dataset, validation, result.outputs, batch.labels, count, targetName(spec, dataset));
  if (predictions.kind === 'tokens') {
    predictions.labels = predictions.labels.map(keep);
    predictions.predicted = predictions.predicted.map(keep);
  }
  const event: ProbeEvent = {
    type: 'probe',
    epoch,
    samples,
    ...(steps === undefined ? {} : { steps }),
    inputs: (steps === undefined ? inputs : (inputs as unknown[][]).map(keep)) as ProbeEvent['inputs'],
    ...(dataset.featureNames ? { featureNames: dataset.featureNames } : {}),
    layers: result.layers,
    gradientNorms: result.gradientNorms,
    ...(result.lengths ? { lengths: result.lengths } : {}),
    predictions,
  };
  if (isLanguageModel(spec) && dataset.vocabulary && count > 0) {
    const prime = Array.from(batch.inputs.subarray(0, dataset.seqLength));
    event.generated = model.generate(prime, spec.probe.generateLength, spec.probe.temperature, dataset.vocabulary, spec.training.seed + epoch);
  }
  return event;
}

/** The forecast target's name: a CSV's target column, else the only input feature's name (a series forecast from its own past). */
function targetName(spec: ExperimentSpec, dataset: Dataset): string | undefined {
  if (spec.data.type === 'csv') return spec.data.target;
  return dataset.task === 'forecast' && dataset.featureNames?.length === 1 ? dataset.featureNames[0] : undefined;
}

function probeInputs(dataset: Dataset, inputs: Float32Array | Int32Array, count: number): number[][][] | string[][] {
  const steps = dataset.seqLength;
  if (dataset.input.kind === 'tokens') {
    const vocabulary = dataset.vocabulary;
    return Array.from({ length: count }, (_, s) => Array.from(inputs.subarray(s * steps, (s + 1) * steps), (id) => vocabulary?.[id] ?? String(id)));
  }
  const size = dataset.input.size;
  return Array.from({ length: count }, (_, s) =>
    Array.from({ length: steps }, (_, t) => Array.from(inputs.subarray((s * steps + t) * size, (s * steps + t + 1) * size))),
  );
}

function argMax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) {
    if (values[i] > values[best]) {
      best = i;
    }
  }
  return best;
}

function predictionProbe(
  dataset: Dataset,
  validation: ValidationOutputs,
  probeOutputs: Float32Array,
  probeLabels: Int32Array | undefined,
  count: number,
  target: string | undefined,
): PredictionProbe {
  const shown = Math.min(validation.outputs.length, MAX_PREDICTIONS);
  if (dataset.task === 'forecast') {
    const targets = dataset.validation.targets as Float32Array;
    const width = dataset.outputSize;
    return {
      kind: 'forecast',
      targets: Array.from({ length: shown }, (_, i) => Array.from(targets.subarray(i * width, (i + 1) * width))),
      predictions: validation.outputs.slice(0, shown),
      ...(target !== undefined ? { target } : {}),
      ...(dataset.targetScale ? { scale: dataset.targetScale } : {}),
      ...(target !== undefined && dataset.featureNames?.includes(target) ? { targetFeature: dataset.featureNames.indexOf(target) } : {}),
    };
  }
  if (dataset.task === 'classify') {
    const classes = dataset.classes ?? Array.from({ length: dataset.outputSize }, (_, i) => String(i));
    const labels = Array.from(dataset.validation.labels as Int32Array);
    const predicted = validation.outputs.map(argMax);
    const confusion = classes.map(() => classes.map(() => 0));
    labels.forEach((label, i) => (confusion[label][predicted[i]] += 1));
    const correct = labels.filter((label, i) => label === predicted[i]).length;
    return {
      kind: 'classify',
      classes,
      labels: labels.slice(0, shown),
      predicted: predicted.slice(0, shown),
      confusion,
      accuracy: labels.length ? correct / labels.length : 0,
    };
  }
  const steps = dataset.seqLength;
  const vocabularySize = dataset.outputSize;
  const vocabulary = dataset.vocabulary ?? Array.from({ length: vocabularySize }, (_, i) => String(i));
  return {
    kind: 'tokens',
    vocabulary,
    labels: Array.from({ length: count }, (_, s) => Array.from((probeLabels as Int32Array).subarray(s * steps, (s + 1) * steps))),
    predicted: Array.from({ length: count }, (_, s) =>
      Array.from({ length: steps }, (_, t) => argMax(probeOutputs.subarray((s * steps + t) * vocabularySize, (s * steps + t + 1) * vocabularySize))),
    ),
  };
}
