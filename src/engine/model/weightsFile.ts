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

/** The state dict in a weights file; throws an Error that names the file and what is wrong with it. */
export function readWeightsFile(path: string): StateDict {
  let json: unknown;
  try {
    const text = readFileSync(path, 'utf8');
    // Checked before parsing: flattening nested lists recurses once per level.
    const nesting = nestingProblem(text);
    if (nesting !== undefined) throw new Error(`the weights are ${nesting.message}; a weights file is 4 levels deep`);
    json = JSON.parse(text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : error instanceof SyntaxError ? `not valid JSON, perhaps cut short (${error.message})` : (error as Error).message;
    throw new Error(`${path}: ${why}`, { cause: error });
  }
  const params = typeof json === 'object' && json !== null && !Array.isArray(json) ? ((json as { params?: unknown }).params ?? json) : undefined;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw new Error(`${path}: not a weights file (expected { "params": { name: nested lists } })`);
  }
  const weights = stateDictFromJson(params as Record<string, Nested>, path);
  if (Object.keys(weights).length === 0) {
    throw new Error(`${path}: holds no tensors`);
  }
  return weights;
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

/** Writes a weights file atomically; `durable`: flushed to the disk before it returns (see `replaceFileAtomically`). */
export function writeWeightsFile(path: string, weights: StateDict, durable = false): void {
  const params = Object.fromEntries(Object.entries(weights).map(([name, { shape, data }]) => [name, nest(data, shape)]));
  replaceFileAtomically(path, (tempPath) => writeFileSync(tempPath, JSON.stringify({ format: 'pytorch-state-dict', params })), durable);
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
