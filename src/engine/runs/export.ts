/**
 * A run's metrics and weights in formats other tools read: metrics as CSV (one row per step
 * and per epoch) or JSON, weights as safetensors in PyTorch's state-dict layout, which
 * `model.load_state_dict(safetensors.torch.load_file(path))` takes as it is. Pure functions:
 * the caller reads the run and writes the result.
 */
import type { StateDict } from '../model/types';
import type { RunAnnotations } from './annotations';
import type { MetricEvent } from './runReader';
import type { StoredSpec } from './storedSpec';
import type { RunSummary } from './summary';

export const METRICS_CSV_COLUMNS = [
  'kind',
  'epoch',
  'step',
  'loss',
  'gradNorm',
  'learningRate',
  'trainLoss',
  'validationLoss',
  'baselineLoss',
  'trainAccuracy',
  'validationAccuracy',
  'elapsedMs',
] as const;

type Column = (typeof METRICS_CSV_COLUMNS)[number];

/**
 * Every step and epoch as CSV, in recorded order: `kind` is `step` or `epoch`, and the columns
 * that do not apply to a row's kind are empty. A non-finite value (a diverged loss, stored as
 * null) is written `NaN`.
 */
export function metricsCsv(events: Iterable<MetricEvent>): string {
  const lines: string[] = [METRICS_CSV_COLUMNS.join(',')];
  for (const event of events) {
    if (event.type === 'step' || event.type === 'epoch') {
      const row: Partial<Record<Column, unknown>> = { ...event, kind: event.type };
      lines.push(METRICS_CSV_COLUMNS.map((column) => csvCell(row[column])).join(','));
    }
  }
  return `${lines.join('\n')}\n`;
}

export interface MetricsJsonInput {
  summary: RunSummary;
  spec?: StoredSpec;
  annotations?: RunAnnotations;
  events: Iterable<MetricEvent>;
}

/** The run as one JSON document: its summary, spec, annotations, steps and epochs. */
export function metricsJson({ summary, spec, annotations, events }: MetricsJsonInput): string {
  const steps: unknown[] = [];
  const epochs: unknown[] = [];
  for (const event of events) {
    const { type, ...fields } = event;
    if (type === 'step') steps.push(fields);
    else if (type === 'epoch') epochs.push(fields);
  }
  return `${JSON.stringify({ format: 'rnn-lab-metrics', summary, spec: spec?.spec, sweep: spec?.sweep, annotations, steps, epochs }, null, 2)}\n`;
}

/** Named tensors for a safetensors file: a state dict, or data with int32 token ids. */
export type NamedTensors = Record<string, { shape: number[]; data: Float32Array | Int32Array }>;

/**
 * A state dict (or other float32/int32 tensors) as a safetensors file: an 8-byte little-endian
 * header length, the JSON header (`name → { dtype: "F32" | "I32", shape, data_offsets }` and
 * string `__metadata__`), padded with spaces to a multiple of 8 bytes, then every tensor's
 * little-endian bytes.
 */
export function safetensorsBytes(weights: StateDict | NamedTensors, metadata: Record<string, string> = {}): Buffer {
  const names = Object.keys(weights).sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const { shape, data } = weights[name];
    if (data.length !== shape.reduce((a, b) => a * b, 1)) {
      throw new Error(`weights "${name}": ${data.length} values do not fill the shape [${shape.join(', ')}]`);
    }
    header[name] = { dtype: data instanceof Int32Array ? 'I32' : 'F32', shape, data_offsets: [offset, offset + data.length * 4] };
    offset += data.length * 4;
  }
  let json = Buffer.from(JSON.stringify(header), 'utf8');
  const padding = (8 - (json.length % 8)) % 8;
  json = Buffer.concat([json, Buffer.alloc(padding, 0x20)]);
  const bytes = Buffer.alloc(8 + json.length + offset);
  bytes.writeBigUInt64LE(BigInt(json.length), 0);
  json.copy(bytes, 8);
  let position = 8 + json.length;
  for (const name of names) {
    const { data } = weights[name];
    const write = data instanceof Int32Array ? bytes.writeInt32LE.bind(bytes) : bytes.writeFloatLE.bind(bytes);
    for (const value of data) {
      position = write(value, position);
    }
  }
  return bytes;
}

/**
 * The tensors and metadata of a safetensors file written by `safetensorsBytes` (float32 only);
 * throws an Error saying what is wrong with a damaged or cut-short file.
 */
export function parseSafetensors(bytes: Buffer): { tensors: StateDict; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new Error('too short for a safetensors file');
  const headerLength = Number(bytes.readBigUInt64LE(0));
  if (8 + headerLength > bytes.length) throw new Error(`its header of ${headerLength} bytes runs past the end of the file (${bytes.length} bytes)`);
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
  const start = 8 + headerLength;
  const tensors: StateDict = {};
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    const size = shape.reduce((a, b) => a * b, 1);
    if (dtype !== 'F32' || offsets[1] - offsets[0] !== size * 4 || start + offsets[1] > bytes.length) {
      throw new Error(`the tensor "${name}" is damaged or cut short`);
    }
    const data = new Float32Array(size);
    for (let i = 0; i < size; i++) data[i] = bytes.readFloatLE(start + offsets[0] + i * 4);
    tensors[name] = { shape, data };
  }
  return { tensors, metadata };
}

function csvCell(value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return 'NaN';
  return String(value);
}
