/**
 * A PyTorch reference problem in plain arrays, and what an engine computed for it: the contract
 * between `verify-reference` and each engine's side of it.
 */
import type { StateDict } from '../model/types';
import type { CellType } from '../spec/types';

/** The reference problem in plain arrays: the weights (PyTorch layout), inputs and initial states. */
export interface ReferenceProblem {
  cell: CellType;
  relu: boolean;
  layers: number;
  bidirectional: boolean;
  /** 0: no projection. */
  projSize: number;
  bias: boolean;
  /** Real steps per sequence (packed); absent: all full. */
  lengths?: number[];
  /** Whether the loss also sums h_n² (the option files: `loss_terms: ["output", "h_n"]`). */
  lossIncludesFinalState: boolean;
  inputSize: number;
  hidden: number;
  steps: number;
  batch: number;
  weights: StateDict;
  /** [B, T, I]. */
  x: Float32Array;
  /** [layers·directions, B, P or H]. */
  h0: Float32Array;
  /** [layers·directions, B, H]. */
  c0?: Float32Array;
}

/** What an engine computed for a reference file, flattened in PyTorch's layouts. */
export interface ComputedQuantities {
  /** [B, T, directions·(P or H)]: the top layer's outputs. */
  output: Float32Array;
  /** [layers·directions, B, P or H]. */
  hN: Float32Array;
  cN?: Float32Array;
  loss: number;
  /** Parameter gradients by PyTorch name and layout. */
  parameterGradients: Record<string, Float32Array>;
  /** [B, T, I]. */
  x: Float32Array;
  /** [layers·directions, B, P or H]. */
  h0: Float32Array;
  /** [layers·directions, B, H]. */
  c0?: Float32Array;
}
