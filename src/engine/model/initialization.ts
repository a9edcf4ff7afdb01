/** Parameter shapes (PyTorch layout) and initial values, drawn from the seeded generator. */
import { Random } from '../random';
import { gateCount } from './cellDescriptions';
import type { EngineConfig, StateDict } from './types';
import { parameterNames } from './parameters';

export function inputSize(config: EngineConfig): number {
  return config.input.kind === 'dense' ? config.input.size : config.input.vocabularySize;
}

/** Every parameter's PyTorch shape, in the fixed parameter order. */
export function parameterShapes(config: EngineConfig): Map<string, number[]> {
  const { hiddenSize: hidden, layers, cell } = config.model;
  const gates = gateCount(cell) * hidden;
  const shapes = new Map<string, number[]>();
  const names = parameterNames(layers);
  for (let k = 0; k < layers; k++) {
    const [wih, whh, bih, bhh] = names.slice(4 * k, 4 * k + 4);
    shapes.set(wih, [gates, k === 0 ? inputSize(config) : hidden]);
    shapes.set(whh, [gates, hidden]);
    shapes.set(bih, [gates]);
    shapes.set(bhh, [gates]);
  }
  shapes.set('head.weight', [config.outputSize, hidden]);
  shapes.set('head.bias', [config.outputSize]);
  return shapes;
}

/**
 * `default`: PyTorch's U(-1/sqrt(H), 1/sqrt(H)) for every tensor (nn.Linear's default for
 * the head gives the same bound, its fan-in being H).
 * `identity` (IRNN, Le et al. 2015): W_hh = I in every gate block, zero biases, W_ih ~ N(0, 0.001²).
 */
export function initialWeights(config: EngineConfig): StateDict {
  const random = new Random(config.seed).fork(1);
  const bound = 1 / Math.sqrt(config.model.hiddenSize);
  const identity = config.model.init === 'identity';
  const weights: StateDict = {};
  for (const [name, shape] of parameterShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const isRecurrent = name.startsWith('weight_hh');
    const isInput = name.startsWith('weight_ih');
    const isBias = name.startsWith('bias_');
    for (let i = 0; i < data.length; i++) {
      if (!identity || name.startsWith('head.')) {
        data[i] = random.uniform(-bound, bound);
      } else if (isInput) {
        data[i] = 0.001 * random.normal();
      } else if (isRecurrent) {
        const [row, column] = [Math.floor(i / shape[1]), i % shape[1]];
        data[i] = row % shape[1] === column ? 1 : 0;
      } else if (isBias) {
        data[i] = 0;
      }
    }
    weights[name] = { shape, data };
  }
  return weights;
}
