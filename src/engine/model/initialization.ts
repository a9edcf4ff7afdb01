/** Parameter shapes (PyTorch layout) and initial values, drawn from the seeded generator. */
import { Random } from '../random';
import { layerOutputWidth, recurrentParameterShapes } from './parameterLayout';
import type { EngineConfig, StateDict } from './types';

export function inputSize(config: EngineConfig): number {
  return config.input.kind === 'dense' ? config.input.size : config.input.vocabularySize;
}

/** Every parameter's PyTorch shape, in the fixed parameter order: the recurrent layers (see `parameterLayout.ts`), then the head. */
export function parameterShapes(config: EngineConfig): Map<string, number[]> {
  const shapes = recurrentParameterShapes(config.model, inputSize(config));
  shapes.set('head.weight', [config.outputSize, layerOutputWidth(config.model)]);
  shapes.set('head.bias', [config.outputSize]);
  return shapes;
}

/**
 * `default`: PyTorch's U(-1/sqrt(H), 1/sqrt(H)) for every recurrent tensor, and nn.Linear's
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the head (its fan-in is H unless projected or bidirectional).
 * `identity` (IRNN, Le et al. 2015): W_hh = I in every gate block, zero biases, W_ih ~ N(0, 0.001²);
 * a projection W_hr keeps the default draw.
 */
export function initialWeights(config: EngineConfig): StateDict {
  const random = new Random(config.seed).fork(1);
  const recurrentBound = 1 / Math.sqrt(config.model.hiddenSize);
  const headBound = 1 / Math.sqrt(layerOutputWidth(config.model));
  const identity = config.model.init === 'identity';
  const weights: StateDict = {};
  for (const [name, shape] of parameterShapes(config)) {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    const isRecurrent = name.startsWith('weight_hh');
    const isInput = name.startsWith('weight_ih');
    const isBias = name.startsWith('bias_');
    for (let i = 0; i < data.length; i++) {
      if (name.startsWith('head.')) {
        data[i] = random.uniform(-headBound, headBound);
      } else if (!identity || name.startsWith('weight_hr')) {
        data[i] = random.uniform(-recurrentBound, recurrentBound);
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
