/**
 * `rnn-lab verify-reference`: runs the engine's cells forward and backward with the weights
 * and inputs of a PyTorch reference file and reports the largest absolute error of every
 * quantity. File format: `params` (PyTorch names and layout), `x` [B,T,I], `h0` (and `c0`)
 * [layers·directions,B,H]; expected `output`, `h_n`, `c_n`, `loss_value` for loss = (output**2).sum()
 * (+ (h_n**2).sum() where `loss_terms` names it), and `grads` of that loss for every parameter,
 * `x`, `h0` (and `c0`). The option files add `bidirectional`, `proj_size`, `bias` and `lengths`.
 */
import { readFileSync } from 'node:fs';
import { recurrentParameterShapes, type LayoutOptions } from '../model/parameterLayout';
import { stateDictEntry } from '../model/parameters';
import type { StateDict } from '../model/types';
import type { EngineKind } from '../engineKind';
import { computeWithKernels } from './kernelReference';
import type { KernelBuild } from '../kernels/wasmKernels';
import type { ComputedQuantities, ReferenceProblem } from './problem';
import { computeWithTfjs } from './tfjsReference';
import { scoped } from '../model/scoped';
import { flatten, stateDictFromJson, type Nested } from '../model/weightsFile';
import type { CellType } from '../spec/types';

/** The largest absolute error allowed on any output, final state, loss or gradient (the parity bound). */
export const REFERENCE_TOLERANCE = 1e-5;

export interface ReferenceRow {
  quantity: string;
  maxAbsError: number;
}

export interface ReferenceReport {
  file: string;
  cell: CellType;
  rows: ReferenceRow[];
  passed: boolean;
}

interface ReferenceFile {
  cell: CellType;
  num_layers: number;
  input_size: number;
  hidden_size: number;
  seq_len: number;
  batch: number;
  nonlinearity?: 'tanh' | 'relu';
  /** The option files' extra fields (absent in the basic cells' files). */
  bidirectional?: boolean;
  proj_size?: number;
  bias?: boolean;
  lengths?: number[] | null;
  loss_terms?: string[];
  params: Record<string, Nested>;
  x: Nested;
  h0: Nested;
  c0?: Nested;
  output: Nested;
  h_n: Nested;
  c_n?: Nested;
  loss_value: number;
  grads: Record<string, Nested>;
}

/** The kernels are checked in their deterministic build unless `build` says otherwise. */
export function verifyReferenceFile(file: string, engine: EngineKind, build: KernelBuild = 'deterministic'): ReferenceReport {
  const reference = JSON.parse(readFileSync(file, 'utf8')) as ReferenceFile;
  const problem = referenceProblem(reference);
  const computed = engine === 'tfjs' ? scoped(() => computeWithTfjs(problem)) : computeWithKernels(problem, build);
  const rows = compareQuantities(reference, computed);
  return { file, cell: reference.cell, rows, passed: rows.every((row) => row.maxAbsError <= REFERENCE_TOLERANCE) };
}

function referenceProblem(reference: ReferenceFile): ReferenceProblem {
  const { cell, layers, bidirectional, projSize, bias } = layoutOptions(reference);
  return {
    cell,
    relu: reference.nonlinearity === 'relu',
    layers,
    inputSize: reference.input_size,
    hidden: reference.hidden_size,
    steps: reference.seq_len,
    batch: reference.batch,
    bidirectional,
    projSize,
    bias,
    lengths: reference.lengths ?? undefined,
    lossIncludesFinalState: reference.loss_terms?.includes('h_n') ?? false,
    weights: referenceWeights(reference),
    x: Float32Array.from(flatten(reference.x)),
    h0: Float32Array.from(flatten(reference.h0)),
    c0: reference.c0 ? Float32Array.from(flatten(reference.c0)) : undefined,
  };
}

/** The file's recurrent parameters, each checked against the shape its layer needs. */
function referenceWeights(reference: ReferenceFile): StateDict {
  const weights = stateDictFromJson(reference.params, 'params');
  const expected = expectedShapes(reference);
  return Object.fromEntries([...expected].map(([name, shape]) => [name, stateDictEntry(weights, name, shape)]));
}

function compareQuantities(reference: ReferenceFile, computed: ComputedQuantities): ReferenceRow[] {
  const rows: ReferenceRow[] = [
    row('output', computed.output, reference.output),
    row('h_n', computed.hN, reference.h_n),
    { quantity: 'loss', maxAbsError: Math.abs(computed.loss - reference.loss_value) },
  ];
  if (reference.c_n) {
    rows.push(row('c_n', computed.cN, reference.c_n));
  }
  for (const name of recurrentParameterShapes(layoutOptions(reference), reference.input_size).keys()) {
    rows.push(row(`grad ${name}`, computed.parameterGradients[name], reference.grads[name]));
  }
  rows.push(row('grad x', computed.x, reference.grads.x), row('grad h0', computed.h0, reference.grads.h0));
  if (reference.grads.c0) {
    rows.push(row('grad c0', computed.c0, reference.grads.c0));
  }
  return rows;
}

function row(quantity: string, actual: Float32Array | undefined, expected: Nested | undefined): ReferenceRow {
  if (expected === undefined) {
    throw new Error(`the reference file has no "${quantity}"`);
  }
  const want = flatten(expected);
  const got = actual ?? new Float32Array(0);
  if (got.length !== want.length) {
    throw new Error(`${quantity}: the engine produced ${got.length} values, the reference has ${want.length}`);
  }
  let maxAbsError = 0;
  want.forEach((value, i) => (maxAbsError = Math.max(maxAbsError, Math.abs(got[i] - value))));
  return { quantity, maxAbsError };
}

function expectedShapes(reference: ReferenceFile): Map<string, number[]> {
  return recurrentParameterShapes(layoutOptions(reference), reference.input_size);
}

function layoutOptions(reference: ReferenceFile): LayoutOptions {
  return {
    cell: reference.cell,
    hiddenSize: reference.hidden_size,
    layers: reference.num_layers,
    bidirectional: reference.bidirectional ?? false,
    projSize: reference.proj_size ?? 0,
    bias: reference.bias ?? true,
  };
}
