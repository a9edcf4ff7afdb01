/**
 * Model parameters by PyTorch name. Inside the engine the weight matrices are kept
 * transposed (`[in, out]`) for fast products; the state dict has PyTorch's layout.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelSpec } from '../spec/types';
import { directionCount, directionNames } from './parameterLayout';
import type { LayerParams } from './recurrentLayer';
import type { StateDict } from './types';

export type ParameterMap = Map<string, tf.Tensor>;

export interface HeadParams {
  /** head.weight transposed: [H, outputs]. */
  weightT: tf.Tensor2D;
  bias: tf.Tensor1D;
}

const HEAD_WEIGHT = 'head.weight';
const HEAD_BIAS = 'head.bias';

/** The PyTorch names of layer k's four tensors of a unidirectional model with biases. */
export function layerNames(k: number): Record<'wihT' | 'whhT' | 'bih' | 'bhh', string> {
  return { wihT: `weight_ih_l${k}`, whhT: `weight_hh_l${k}`, bih: `bias_ih_l${k}`, bhh: `bias_hh_l${k}` };
}

/** The engine-side keys of one direction's tensors and their PyTorch names (absent tensors left out). */
function directionEntries(model: NamingOptions, index: number): [keyof LayerParams, string][] {
  const count = directionCount(model);
  const names = directionNames(model, Math.floor(index / count), index % count === 1);
  const entries: [keyof LayerParams, string | undefined][] = [
    ['wihT', names.wih],
    ['whhT', names.whh],
    ['bih', names.bih],
    ['bhh', names.bhh],
    ['whrT', names.whr],
  ];
  return entries.filter((entry): entry is [keyof LayerParams, string] => entry[1] !== undefined);
}

/** What decides the recurrent tensors' names. */
export type NamingOptions = Pick<ModelSpec, 'layers' | 'bidirectional' | 'bias' | 'projSize'>;

/** Every direction's parameters, flat in PyTorch's order l0, l0_reverse, l1, … (index k·D + d). */
export function directionParams(map: ParameterMap, model: NamingOptions): LayerParams[] {
  return Array.from({ length: model.layers * directionCount(model) }, (_, index) => {
    const params: Partial<Record<keyof LayerParams, tf.Tensor>> = {};
    for (const [key, name] of directionEntries(model, index)) {
      params[key] = map.get(name);
    }
    return params as LayerParams;
  });
}

export function headParams(map: ParameterMap): HeadParams {
  return { weightT: map.get(HEAD_WEIGHT) as tf.Tensor2D, bias: map.get(HEAD_BIAS) as tf.Tensor1D };
}

/** Gradients by PyTorch name (engine layout), from every direction's (flat) and the head's. */
export function gradientMap(model: NamingOptions, directions: LayerParams[], head?: HeadParams): ParameterMap {
  const map: ParameterMap = new Map();
  directions.forEach((gradients, index) => {
    for (const [key, name] of directionEntries(model, index)) {
      map.set(name, gradients[key] as tf.Tensor);
    }
  });
  if (head) {
    map.set(HEAD_WEIGHT, head.weightT);
    map.set(HEAD_BIAS, head.bias);
  }
  return map;
}

/**
 * A parameter of a state dict, checked against its PyTorch shape: by its name, by the name
 * with an `rnn.` prefix (a module that holds the recurrent layers as `rnn`), or from `fallback`.
 */
export function stateDictEntry(weights: StateDict, name: string, shape: number[], fallback?: StateDict): StateDict[string] {
  const entry = weights[name] ?? weights[`rnn.${name}`] ?? fallback?.[name];
  if (!entry) {
    throw new Error(`the weights have no "${name}" (expected shape [${shape.join(', ')}])`);
  }
  if (entry.shape.join(',') !== shape.join(',')) {
    throw new Error(`"${name}" has shape [${entry.shape.join(', ')}], but this model needs [${shape.join(', ')}]`);
  }
  return entry;
}

/** Whether a parameter, or an optimizer state kept per parameter (`head.weight.m`), is a matrix kept transposed inside. */
export function isMatrix(name: string): boolean {
  return name.startsWith('weight_') || name === HEAD_WEIGHT || name.startsWith(`${HEAD_WEIGHT}.`);
}

/** The optimizer states of a training state, by the parameter shapes they share: `<name>.<suffix>` → shape. */
export function optimizerStateShapes(state: StateDict, parameterShapes: Map<string, number[]>): Map<string, number[]> {
  const shapes = new Map<string, number[]>();
  for (const key of Object.keys(state)) {
    const shape = parameterShapes.get(key.slice(0, key.lastIndexOf('.')));
    if (!shape) throw new Error(`the optimizer state "${key}" belongs to no parameter of this model`);
    shapes.set(key, shape);
  }
  return shapes;
}

export function disposeAll(map: ParameterMap): void {
  for (const tensor of map.values()) {
    tensor.dispose();
  }
}

export function toStateDict(map: ParameterMap): StateDict {
  const result: StateDict = {};
  for (const [name, tensor] of map) {
    const torchLayout = isMatrix(name) ? tf.tidy(() => tf.transpose(tensor)) : tensor;
    result[name] = { shape: torchLayout.shape.slice(), data: torchLayout.dataSync() as Float32Array };
    if (torchLayout !== tensor) {
      torchLayout.dispose();
    }
  }
  return result;
}

/**
 * Tensors in the engine's layout from a state dict. Every expected name must be present with
 * its expected PyTorch shape, except the head, which `fallback` provides when the file has none
 * (a state dict of a bare nn.RNN/LSTM/GRU).
 */
export function fromStateDict(weights: StateDict, expected: Map<string, number[]>, fallback?: StateDict): ParameterMap {
  const map: ParameterMap = new Map();
  for (const [name, shape] of expected) {
    const entry = stateDictEntry(weights, name, shape, fallback);
    const tensor = tf.tensor(entry.data, entry.shape, 'float32');
    map.set(name, isMatrix(name) ? tf.tidy(() => tf.transpose(tensor)) : tensor);
    if (isMatrix(name)) {
      tensor.dispose();
    }
  }
  return map;
}
