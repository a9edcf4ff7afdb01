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
  inputSize: number;
  hidden: number;
  steps: number;
  batch: number;
  weights: StateDict;
  /** [B, T, I]. */
  x: Float32Array;
  /** [layers, B, H]. */
  h0: Float32Array;
  c0?: Float32Array;
}

/** What an engine computed for a reference file, flattened in PyTorch's layouts. */
export interface ComputedQuantities {
  /** [B, T, H]: the top layer's outputs. */
  output: Float32Array;
  /** [layers, B, H]. */
  hN: Float32Array;
  cN?: Float32Array;
  loss: number;
  /** Parameter gradients by PyTorch name and layout. */
  parameterGradients: Record<string, Float32Array>;
  /** [B, T, I]. */
  x: Float32Array;
  /** [layers, B, H]. */
  h0: Float32Array;
  c0?: Float32Array;
}
