/**
 * Weights files: JSON in PyTorch's state-dict layout, `{ "params": { name: nested lists } }`,
 * the layout of the reference files. In Python:
 * `model.load_state_dict({k: torch.tensor(v) for k, v in json.load(f)["params"].items()})`.
 * Reading also accepts a bare `{ name: nested lists }` object.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { replaceFileAtomically } from '../io/files';
import { nestingProblem } from '../io/jsonNesting';
import type { StateDict } from './types';

/** A number or nested lists of numbers, as JSON holds a tensor. */
export type Nested = number | Nested[];

export function readWeightsFile(path: string): StateDict {
  const text = readFileSync(path, 'utf8');
  // Checked before parsing: flattening nested lists recurses once per level.
  const nesting = nestingProblem(text);
  if (nesting !== undefined) throw new Error(`${path}: the weights are ${nesting.message}; a weights file is 4 levels deep`);
  const json = JSON.parse(text) as { params?: Record<string, Nested> } & Record<string, Nested>;
  return stateDictFromJson((json.params ?? json) as Record<string, Nested>, path);
}

/** Tensors from nested lists; `origin` names the source in error messages. */
export function stateDictFromJson(params: Record<string, Nested>, origin: string): StateDict {
  const weights: StateDict = {};
  for (const [name, value] of Object.entries(params)) {
    const shape = shapeOf(value);
    const values = flatten(value);
    if (values.length !== shape.reduce((a, b) => a * b, 1) || values.some((v) => typeof v !== 'number')) {
      throw new Error(`${origin}: "${name}" is not a rectangular array of numbers`);
    }
    weights[name] = { shape, data: Float32Array.from(values) };
  }
  return weights;
}

export function writeWeightsFile(path: string, weights: StateDict): void {
  const params = Object.fromEntries(Object.entries(weights).map(([name, { shape, data }]) => [name, nest(data, shape)]));
  replaceFileAtomically(path, (tempPath) => writeFileSync(tempPath, JSON.stringify({ format: 'pytorch-state-dict', params })));
}

export function flatten(value: Nested): number[] {
  return Array.isArray(value) ? value.flatMap(flatten) : [value];
}

export function shapeOf(value: Nested): number[] {
  const shape: number[] = [];
  let current: Nested = value;
  while (Array.isArray(current)) {
    shape.push(current.length);
    current = current[0];
  }
  return shape;
}

function nest(data: Float32Array, shape: number[]): Nested {
  if (shape.length <= 1) {
    return Array.from(data);
  }
  const stride = data.length / shape[0];
  return Array.from({ length: shape[0] }, (_, i) => nest(data.subarray(i * stride, (i + 1) * stride), shape.slice(1)));
}
