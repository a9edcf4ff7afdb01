/**
 * The numbers both engines' optimizers and gradient clipping share, written once: PyTorch's
 * defaults (Adam β = (0.9, 0.999), ε = 1e-8; RMSprop α = 0.99, ε = 1e-8) and the factor
 * `clip_grad_norm_` scales the gradients by. The tfjs optimizers (`optimizers.ts`) and the
 * kernels' update (`kernelEngine.ts`) read them from here.
 */
import type { TrainingSpec } from '../spec/types';

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const RMSPROP_ALPHA = 0.99;
/** Adam's and RMSprop's ε, added to the root of the second moment. */
export const OPTIMIZER_EPSILON = 1e-8;

/** The weight decay a run applies: the spec's, or the optimizer's PyTorch default (AdamW 0.01, the others 0) when it is null. */
export function weightDecayOf(training: Pick<TrainingSpec, 'optimizer' | 'weightDecay'>): number {
  return training.weightDecay ?? (training.optimizer === 'adamw' ? 0.01 : 0);
}

/** PyTorch's clip_grad_norm_ adds this to the norm before dividing. */
const CLIP_EPSILON = 1e-6;

/**
 * What the gradients are multiplied by before an update: `clipNorm / (‖g‖ + 1e-6)` when the global
 * norm exceeds `clipNorm` (a positive setting), else 1, as PyTorch's `clip_grad_norm_` does.
 */
export function clipScale(gradNorm: number, clipNorm: number): number {
  return clipNorm > 0 && gradNorm > clipNorm ? clipNorm / (gradNorm + CLIP_EPSILON) : 1;
}
