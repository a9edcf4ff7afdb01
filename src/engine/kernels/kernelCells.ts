/**
 * The kernels' counterpart of the tfjs `RecurrentCell`: for each cell, which buffers its kernels
 * need and how it runs forward and backward through time over a layer's buffers. The kernel
 * stack (`kernelStack.ts`) does the rest (input projections, weight gradients, dropout) the same
 * for every cell. The gate count and the cell state come from the cell's `CellDescription`.
 */
import { CELLS, type CellDescription } from '../model/cellDescriptions';
import type { CellType } from '../spec/types';
import type { KernelBuffer, KernelExports, Pointer } from './wasmKernels';

/**
 * One direction of one layer in kernel memory, in the direction's own time order (the reverse
 * direction's step t is each sample's real step len-1-t). P: the state width (projSize or H).
 */
export interface DirectionBuffers {
  /** Input projections, then activated gates: [T*B, G]. */
  gates: KernelBuffer;
  /** h_0 … h_T: [(T+1)*B, P]. */
  hs: KernelBuffer;
  /** With a cell state (LSTM): c_0 … c_T, [(T+1)*B, H]. */
  cs?: KernelBuffer;
  /** With a projection (LSTM): m_t = o ⊙ tanh c_t before it, [T*B, H]. */
  ms?: KernelBuffer;
  /** With recurrent-side gates (GRU): h_{t-1} W_hn^T + b_hn per step. */
  hpn?: KernelBuffer;
  /** The reverse direction: its input in its time order, [T*B, in]. */
  reversedInput?: KernelBuffer;
  /** ∂L/∂h_0 (and ∂L/∂c_0) after the backward pass. */
  dh: KernelBuffer;
  dc?: KernelBuffer;
}

/** What a cell's forward pass through time reads and writes. */
export interface ForwardPass {
  T: number;
  B: number;
  H: number;
  P: number;
  relu: boolean;
  layer: DirectionBuffers;
  whhT: Pointer;
  /** With a projection: W_hr^T [H, P]; else 0. */
  whrT: Pointer;
  bhh: Pointer;
  /** With recurrent-side gates: scratch of [B, G]. */
  hp?: Pointer;
}

/** What a cell's backward pass through time reads and writes. */
export interface BackwardPass {
  T: number;
  B: number;
  H: number;
  P: number;
  relu: boolean;
  layer: DirectionBuffers;
  whh: Pointer;
  /** With a projection: W_hr [P, H]; else 0. */
  whr: Pointer;
  /** With a projection: scratch of [B, H]. */
  dm?: Pointer;
  /** ∂L/∂h_t from above: [T*B, P]. */
  dhs: Pointer;
  /** Out: the input side's pre-activation gradients [T*B, G]. */
  dz: Pointer;
  /** With recurrent-side gates: out, the recurrent side's [T*B, G]. */
  dhp?: Pointer;
}

export interface KernelCell {
  readonly description: CellDescription;
  /**
   * Whether a gate multiplies part of the recurrent product (GRU's r on W_hn h + b_hn): then b_hh
   * stays out of the input-side bias, and the recurrent side has its own buffers and gradients.
   */
  readonly recurrentGates: boolean;
  forward(k: KernelExports, pass: ForwardPass): void;
  /** Writes the pre-activation gradients; returns the recurrent side's (`dz` but with recurrent gates). */
  backward(k: KernelExports, pass: BackwardPass): Pointer;
}

export const KERNEL_CELLS: Readonly<Record<CellType, KernelCell>> = {
  rnn: {
    description: CELLS.rnn,
    recurrentGates: false,
    forward: (k, { T, B, H, relu, layer, whhT }) => k.rnn_forward(T, B, H, layer.gates.pointer, whhT, layer.hs.pointer, relu ? 1 : 0),
    backward: (k, { T, B, H, relu, layer, whh, dz, dhs }) => {
      k.rnn_backward(T, B, H, layer.hs.pointer, whh, dz, dhs, layer.dh.pointer, relu ? 1 : 0);
      return dz;
    },
  },
  lstm: {
    description: CELLS.lstm,
    recurrentGates: false,
    forward: (k, { T, B, H, P, layer, whhT, whrT }) =>
      k.lstm_forward(T, B, H, P, layer.gates.pointer, whhT, whrT, layer.hs.pointer, layer.cs!.pointer, layer.ms?.pointer ?? 0),
    backward: (k, { T, B, H, P, layer, whh, whr, dz, dhs, dm }) => {
      k.lstm_backward(T, B, H, P, layer.gates.pointer, layer.cs!.pointer, whh, whr, dz, dhs, layer.dh.pointer, layer.dc!.pointer, dm ?? 0);
      return dz;
    },
  },
  gru: {
    description: CELLS.gru,
    recurrentGates: true,
    forward: (k, { T, B, H, layer, whhT, bhh, hp }) => k.gru_forward(T, B, H, layer.gates.pointer, whhT, bhh, layer.hs.pointer, layer.hpn!.pointer, hp!),
    backward: (k, { T, B, H, layer, whh, dz, dhp, dhs }) => {
      k.gru_backward(T, B, H, layer.gates.pointer, layer.hpn!.pointer, layer.hs.pointer, whh, dz, dhp!, dhs, layer.dh.pointer);
      return dhp!;
    },
  },
};
