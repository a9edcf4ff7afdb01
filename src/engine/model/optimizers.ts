/**
 * Adam, AdamW, SGD (with momentum) and RMSprop on tfjs ops, with PyTorch's update rules and
 * defaults (`optimizerRules.ts`). Weight decay as PyTorch applies it: Adam, SGD and RMSprop add
 * decay · p to the (clipped) gradient; AdamW shrinks p by 1 - lr · decay before its Adam update.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { OptimizerType } from '../spec/types';
import { ADAM_BETA1 as BETA1, ADAM_BETA2 as BETA2, OPTIMIZER_EPSILON as EPSILON, RMSPROP_ALPHA as ALPHA } from './optimizerRules';
import { disposeAll, type ParameterMap } from './parameters';

export interface Optimizer {
  /**
   * New parameters after one update with the gradients scaled by `gradientScale` (clipping).
   * The optimizer keeps its own state; the caller owns and disposes the old parameters.
   */
  update(params: ParameterMap, gradients: ParameterMap, learningRate: number, gradientScale: number): ParameterMap;
  /** The updates made so far and the state tensors by key (`<parameter>.m`, …); the optimizer keeps owning them. */
  snapshot(): { step: number; state: ParameterMap };
  /** Replaces the state (taking ownership of the tensors) and the update count. */
  restore(step: number, state: ParameterMap): void;
  dispose(): void;
}

type Rule = (name: string, param: tf.Tensor, gradient: tf.Tensor, learningRate: number, state: Map<string, tf.Tensor>, step: number) => tf.Tensor;

function adam(name: string, param: tf.Tensor, g: tf.Tensor, lr: number, state: Map<string, tf.Tensor>, step: number): tf.Tensor {
  const m = tf.add(tf.mul(state.get(`${name}.m`) ?? tf.zerosLike(g), BETA1), tf.mul(g, 1 - BETA1));
  const v = tf.add(tf.mul(state.get(`${name}.v`) ?? tf.zerosLike(g), BETA2), tf.mul(tf.square(g), 1 - BETA2));
  state.set(`${name}.m`, m);
  state.set(`${name}.v`, v);
  const mHat = tf.div(m, 1 - BETA1 ** step);
  const vHat = tf.div(v, 1 - BETA2 ** step);
  return tf.sub(param, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), EPSILON)), lr));
}

function momentumRule(momentum: number, direction: (name: string, g: tf.Tensor, state: Map<string, tf.Tensor>) => tf.Tensor): Rule {
  return (name, param, g, lr, state) => {
    let update = direction(name, g, state);
    if (momentum > 0) {
      const previous = state.get(`${name}.buffer`);
      // The first buffer is the direction itself, which may be the caller's gradient tensor: a clone outlives it.
      update = previous ? tf.add(tf.mul(previous, momentum), update) : tf.clone(update);
      state.set(`${name}.buffer`, update);
    }
    return tf.sub(param, tf.mul(update, lr));
  };
}

function rmspropDirection(name: string, g: tf.Tensor, state: Map<string, tf.Tensor>): tf.Tensor {
  const v = tf.add(tf.mul(state.get(`${name}.square`) ?? tf.zerosLike(g), ALPHA), tf.mul(tf.square(g), 1 - ALPHA));
  state.set(`${name}.square`, v);
  return tf.div(g, tf.add(tf.sqrt(v), EPSILON));
}

function ruleOf(type: OptimizerType, momentum: number): Rule {
  if (type === 'adam' || type === 'adamw') return adam;
  return type === 'sgd' ? momentumRule(momentum, (_name, g) => g) : momentumRule(momentum, rmspropDirection);
}

export function createOptimizer(type: OptimizerType, momentum: number, weightDecay: number): Optimizer {
  const rule = ruleOf(type, momentum);
  const decoupled = type === 'adamw';
  let state = new Map<string, tf.Tensor>();
  let step = 0;
  return {
    update(params, gradients, learningRate, gradientScale) {
      step += 1;
      const next = new Map<string, tf.Tensor>(state);
      const updated: ParameterMap = new Map();
      tf.tidy(() => {
        for (const [name, param] of params) {
          const raw = gradients.get(name) as tf.Tensor;
          const clipped = gradientScale === 1 ? raw : tf.mul(raw, gradientScale);
          const coupled = weightDecay > 0 && !decoupled;
          const g = coupled ? tf.add(clipped, tf.mul(param, weightDecay)) : clipped;
          const decayed = weightDecay > 0 && decoupled ? tf.mul(param, 1 - learningRate * weightDecay) : param;
          updated.set(name, tf.keep(rule(name, decayed, g, learningRate, next, step)));
        }
        for (const tensor of next.values()) {
          tf.keep(tensor);
        }
      });
      for (const [key, tensor] of state) {
        if (next.get(key) !== tensor) {
          tensor.dispose();
        }
      }
      state = next;
      return updated;
    },
    snapshot() {
      return { step, state };
    },
    restore(restoredStep, restored) {
      disposeAll(state);
      state = new Map(restored);
      step = restoredStep;
    },
    dispose() {
      disposeAll(state);
      state.clear();
    },
  };
}
