/**
 * One optimizer update on the kernels, with PyTorch's rules (`optimizerRules.ts`): Adam and AdamW
 * keep m and v in `state1` and `state2`; RMSprop its square average in `state1`; SGD and RMSprop
 * their momentum buffer in `state2`. Weight decay as PyTorch applies it: AdamW shrinks the weights
 * by 1 - lr · decay (decoupled); the others add decay · p to the clipped gradient.
 */
import { ADAM_BETA1, ADAM_BETA2, OPTIMIZER_EPSILON, RMSPROP_ALPHA, weightDecayOf } from '../model/optimizerRules';
import type { TrainingSpec } from '../spec/types';
import type { KernelExports, Pointer } from './wasmKernels';

export interface UpdateBuffers {
  count: number;
  params: Pointer;
  gradients: Pointer;
  state1: Pointer;
  state2: Pointer;
}

/** Update number `step` (from 1) with the gradients times `scale` (clipping). */
export function kernelUpdate(
  k: KernelExports,
  training: Pick<TrainingSpec, 'optimizer' | 'momentum' | 'weightDecay'>,
  buffers: UpdateBuffers,
  step: number,
  learningRate: number,
  scale: number,
): void {
  const { optimizer, momentum } = training;
  const { count: n, params: p, gradients: g, state1: s1, state2: s2 } = buffers;
  const decay = weightDecayOf(training);
  const [l2, shrink] = optimizer === 'adamw' ? [0, 1 - learningRate * decay] : [decay, 1];
  const first = step === 1 ? 1 : 0;
  const [beta1, beta2] = [ADAM_BETA1, ADAM_BETA2];
  if (optimizer === 'adam' || optimizer === 'adamw')
    k.adam_update(n, p, g, s1, s2, learningRate, scale, beta1, beta2, OPTIMIZER_EPSILON, 1 - beta1 ** step, 1 - beta2 ** step, l2, shrink);
  else if (optimizer === 'sgd') k.momentum_update(n, p, g, 0, s2, learningRate, scale, 0, 0, momentum, first, l2);
  else k.momentum_update(n, p, g, s1, s2, learningRate, scale, RMSPROP_ALPHA, OPTIMIZER_EPSILON, momentum, first, l2);
}
