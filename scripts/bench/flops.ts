/**
 * The floating-point work of one training step, to turn steps/s into GFLOP/s. Only the matrix
 * products are counted, as 2 FLOPs per multiply-add; the gates' elementwise work, the loss, the
 * softmax and the optimizer's update are left out (they are linear in the parameter or activation
 * count, small next to the products at the sizes where GFLOP/s matter).
 *
 * Per direction of the recurrent layer, with G gates (rnn 1, lstm 4, gru 3), B samples, T steps,
 * I input features and H hidden units, every step runs two products:
 * - the input projection x_t·W_ihᵀ, B·I·G·H multiply-adds (none for token inputs: a row gather);
 * - the recurrent product h_{t-1}·W_hhᵀ, B·H·G·H multiply-adds.
 * The head's product takes the layer's output (2·H features when bidirectional): B·outputSize times
 * that on the last step (forecast), B·T·vocabulary times it on every step (tokens).
 *
 * Backward runs the weight gradient of every product (as many multiply-adds as its forward) and the
 * gradient of its input, except where that input is the data, which needs none: the input
 * projection counts twice its forward, the recurrent and head products three times. Padded steps
 * are counted too (the packed variant's GFLOP/s is that of the plain layer doing the same steps).
 */
import { gateCount } from '../../src/engine/model/cellDescriptions';
import type { CellType } from '../../src/engine/spec/types';
import type { Workload } from './workloads';

export function stepFlops(workload: Workload, cell: CellType): number {
  const { batchSize: b, seqLength: t, inputSize: i, hiddenSize: h, outputSize: o } = workload;
  const gates = gateCount(cell) * h;
  const directions = workload.variant?.bidirectional ? 2 : 1;
  const inputProjection = workload.task === 'tokens' ? 0 : b * t * i * gates;
  const recurrent = b * t * h * gates;
  const head = (workload.task === 'tokens' ? b * t : b) * directions * h * o;
  const multiplyAdds = directions * (2 * inputProjection + 3 * recurrent) + 3 * head;
  return 2 * multiplyAdds;
}

/** Achieved GFLOP/s of `flops` per step at `stepsPerSecond`. */
export function gflopsPerSecond(flops: number, stepsPerSecond: number): number {
  return (flops * stepsPerSecond) / 1e9;
}
