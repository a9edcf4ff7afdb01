/**
 * The kernels' side of `verify-reference`: the reference problem's stack forward from the
 * given initial states and backward for loss = sum(output²), in PyTorch's layouts.
 */
import { CELLS, gateCount } from '../model/cellDescriptions';
import { layerNames } from '../model/parameters';
import type { ComputedQuantities, ReferenceProblem } from './problem';
import { KernelStack, type InitialState, type LayerCopies, type LayerWeights } from '../kernels/kernelStack';
import { KernelMemory, type KernelBuffer } from '../kernels/wasmKernels';

export function computeWithKernels(problem: ReferenceProblem): ComputedQuantities {
  const { cell, layers, inputSize, hidden: H, steps: T, batch: B } = problem;
  const G = gateCount(cell) * H;
  const memory = new KernelMemory();
  const k = memory.kernels;
  const filled = (data: Float32Array): KernelBuffer => {
    const buffer = memory.allocate(data.length);
    memory.floats(buffer).set(data);
    return buffer;
  };
  /** A PyTorch [G, in] matrix in the engine's [in, G] layout. */
  const engineLayout = (torch: KernelBuffer, width: number): KernelBuffer => {
    const buffer = memory.allocate(torch.length);
    k.transpose(G, width, torch.pointer, buffer.pointer);
    return buffer;
  };
  const weights: LayerWeights[] = [];
  const copies: LayerCopies[] = [];
  const gradients: LayerWeights[] = [];
  for (let l = 0; l < layers; l++) {
    const names = layerNames(l);
    const width = l === 0 ? inputSize : H;
    const wih = filled(problem.weights[names.wihT].data);
    const whh = filled(problem.weights[names.whhT].data);
    copies.push({ wih, whh });
    weights.push({
      wihT: engineLayout(wih, width),
      whhT: engineLayout(whh, H),
      bih: filled(problem.weights[names.bih].data),
      bhh: filled(problem.weights[names.bhh].data),
    });
    gradients.push({ wihT: memory.allocate(width * G), whhT: memory.allocate(H * G), bih: memory.allocate(G), bhh: memory.allocate(G) });
  }

  const stack = new KernelStack(memory, { cell, relu: problem.relu, layers, hidden: H, inputSize, tokens: false, steps: T }, B, false);
  const staging = filled(problem.x);
  k.swap_major(B, T, inputSize, staging.pointer, stack.input!.pointer);
  const state = B * H;
  const initial: InitialState[] = Array.from({ length: layers }, (_, l) => ({
    h: problem.h0.subarray(l * state, (l + 1) * state),
    c: problem.c0?.subarray(l * state, (l + 1) * state),
  }));
  stack.forward(weights, B, false, initial);

  const top = new Float32Array(memory.memory.buffer, stack.top, T * B * H);
  let loss = 0;
  top.forEach((value) => (loss += value * value));
  memory.floats(stack.dTop).set(top.map((value) => 2 * value));
  const finalStates = (pick: (layer: KernelStack['layers'][number]) => KernelBuffer | undefined) =>
    concat(stack.layers.map((layer) => memory.floats(pick(layer)!).slice(T * state, (T + 1) * state)));
  const output = batchMajor(memory, top, T, B, H);
  const hN = finalStates((layer) => layer.hs);
  const cN = CELLS[cell].hasCellState ? finalStates((layer) => layer.cs) : undefined;

  stack.backward(copies, gradients, true);
  const parameterGradients: Record<string, Float32Array> = {};
  gradients.forEach((g, l) => {
    const names = layerNames(l);
    const width = l === 0 ? inputSize : H;
    parameterGradients[names.wihT] = torchLayout(memory, g.wihT, width, G);
    parameterGradients[names.whhT] = torchLayout(memory, g.whhT, H, G);
    parameterGradients[names.bih] = memory.floats(g.bih).slice();
    parameterGradients[names.bhh] = memory.floats(g.bhh).slice();
  });
  return {
    output,
    hN,
    cN,
    loss,
    parameterGradients,
    x: batchMajor(memory, memory.floats(stack.dInput!), T, B, inputSize),
    h0: concat(stack.layers.map((layer) => memory.floats(layer.dh).slice(0, state))),
    c0: CELLS[cell].hasCellState ? concat(stack.layers.map((layer) => memory.floats(layer.dc!).slice(0, state))) : undefined,
  };
}

/** Time-major [T*B, width] rows → [B, T, width]. */
function batchMajor(memory: KernelMemory, rows: Float32Array, T: number, B: number, width: number): Float32Array {
  const source = memory.allocate(T * B * width);
  const target = memory.allocate(T * B * width);
  memory.floats(source).set(rows.subarray(0, T * B * width));
  memory.kernels.swap_major(T, B, width, source.pointer, target.pointer);
  return memory.floats(target).slice();
}

/** An engine-layout [in, G] gradient in PyTorch's [G, in]. */
function torchLayout(memory: KernelMemory, gradient: KernelBuffer, width: number, G: number): Float32Array {
  const target = memory.allocate(gradient.length);
  memory.kernels.transpose(width, G, gradient.pointer, target.pointer);
  return memory.floats(target).slice();
}

function concat(parts: Float32Array[]): Float32Array {
  const result = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}
