/**
 * The recurrent layers' parameters as PyTorch names and shapes them, in `named_parameters()`
 * order: per layer the forward direction (`weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`,
 * `bias_hh_l{k}`, `weight_hr_l{k}`), then the reverse one with the suffix `_reverse`. Which
 * tensors exist follows the model's options (`bias`, `projSize`, `bidirectional`); both engines,
 * the weights files and the PyTorch export read the names and shapes from here. Pure (no tfjs).
 */
import type { ModelSpec } from '../spec/types';
import { gateCount } from './cellDescriptions';

/** The parameter options of a model: what decides which tensors exist and their shapes. */
export type LayoutOptions = Pick<ModelSpec, 'cell' | 'hiddenSize' | 'layers' | 'bidirectional' | 'projSize' | 'bias'>;

/** One direction of one layer: the names of its tensors (absent ones undefined). */
export interface DirectionNames {
  wih: string;
  whh: string;
  bih?: string;
  bhh?: string;
  /** LSTM with projSize > 0 only. */
  whr?: string;
}

/** 1 or 2. */
export function directionCount(model: Pick<ModelSpec, 'bidirectional'>): number {
  return model.bidirectional ? 2 : 1;
}

/** The width of h in one direction: projSize when projecting, else hiddenSize. */
export function stateWidth(model: Pick<ModelSpec, 'hiddenSize' | 'projSize'>): number {
  return model.projSize > 0 ? model.projSize : model.hiddenSize;
}

/** The width of a layer's output, [forward, reverse]: what the next layer and the head read. */
export function layerOutputWidth(model: Pick<ModelSpec, 'hiddenSize' | 'projSize' | 'bidirectional'>): number {
  return directionCount(model) * stateWidth(model);
}

export function directionNames(model: Pick<ModelSpec, 'bias' | 'projSize'>, layer: number, reverse: boolean): DirectionNames {
  const suffix = `l${layer}${reverse ? '_reverse' : ''}`;
  return {
    wih: `weight_ih_${suffix}`,
    whh: `weight_hh_${suffix}`,
    bih: model.bias ? `bias_ih_${suffix}` : undefined,
    bhh: model.bias ? `bias_hh_${suffix}` : undefined,
    whr: model.projSize > 0 ? `weight_hr_${suffix}` : undefined,
  };
}

/** Every recurrent parameter's PyTorch name and shape, in `named_parameters()` order. */
export function recurrentParameterShapes(model: LayoutOptions, inputSize: number): Map<string, number[]> {
  const gates = gateCount(model.cell) * model.hiddenSize;
  const shapes = new Map<string, number[]>();
  for (let layer = 0; layer < model.layers; layer++) {
    for (let direction = 0; direction < directionCount(model); direction++) {
      const names = directionNames(model, layer, direction === 1);
      shapes.set(names.wih, [gates, layer === 0 ? inputSize : layerOutputWidth(model)]);
      shapes.set(names.whh, [gates, stateWidth(model)]);
      if (names.bih !== undefined) shapes.set(names.bih, [gates]);
      if (names.bhh !== undefined) shapes.set(names.bhh, [gates]);
      if (names.whr !== undefined) shapes.set(names.whr, [model.projSize, model.hiddenSize]);
    }
  }
  return shapes;
}
