/**
 * The kernels' side of `verify-reference`: the reference problem's stack forward from the
 * given initial states and backward for loss = sum(output²) (+ sum(h_n²)), in PyTorch's layouts.
 */
import { CELLS, gateCount } from '../model/cellDescriptions';
import { directionCount, directionNames, layerOutputWidth, stateWidth } from '../model/parameterLayout';
import type { ComputedQuantities, ReferenceProblem } from './problem';
import { KernelStack, type DirectionCopies, type DirectionWeights, type InitialState } from '../kernels/kernelStack';
import { KernelMemory, type KernelBuffer, type KernelBuild } from '../kernels/wasmKernels';

export function computeWithKernels(problem: ReferenceProblem, build: KernelBuild): ComputedQuantities {
  const { cell, layers, inputSize, hidden: H, steps: T, batch: B } = problem;
  const G = gateCount(cell) * H;
  const D = directionCount(problem);
  const model = { hiddenSize: H, projSize: problem.projSize, bidirectional: problem.bidirectional };
  const P = stateWidth(model);
  const hasCellState = CELLS[cell].hasCellState;
  const memory = new KernelMemory({ build });
  const k = memory.kernels;
  const filled = (data: Float32Array): KernelBuffer => {
    const buffer = memory.allocate(data.length);
    memory.floats(buffer).set(data);
    return buffer;
  };
  /** A PyTorch [out, in] matrix in the engine's [in, out] layout. */
  const engineLayout = (torch: KernelBuffer, rows: number, cols: number): KernelBuffer => {
    const buffer = memory.allocate(torch.length);
    k.transpose(rows, cols, torch.pointer, buffer.pointer);
    return buffer;
  };
  const weights: DirectionWeights[] = [];
  const copies: DirectionCopies[] = [];
  const gradients: DirectionWeights[] = [];
  const directions = Array.from({ length: layers * D }, (_, i) => ({ l: Math.floor(i / D), d: i % D }));
  const namesOf = (l: number, d: number) => directionNames(problem, l, d === 1);
  const widthOf = (l: number) => (l === 0 ? inputSize : layerOutputWidth(model));
  for (const { l, d } of directions) {
    const names = namesOf(l, d);
    const wih = filled(problem.weights[names.wih].data);
    const whh = filled(problem.weights[names.whh].data);
    const whr = names.whr ? filled(problem.weights[names.whr].data) : undefined;
    copies.push({ wih, whh, whr });
    weights.push({
      wihT: engineLayout(wih, G, widthOf(l)),
      whhT: engineLayout(whh, G, P),
      bih: names.bih ? filled(problem.weights[names.bih].data) : undefined,
      bhh: names.bhh ? filled(problem.weights[names.bhh].data) : undefined,
      whrT: whr ? engineLayout(whr, P, H) : undefined,
    });
    gradients.push({
      wihT: memory.allocate(widthOf(l) * G),
      whhT: memory.allocate(P * G),
      bih: names.bih ? memory.allocate(G) : undefined,
      bhh: names.bhh ? memory.allocate(G) : undefined,
      whrT: whr ? memory.allocate(H * P) : undefined,
    });
  }

  const config = { cell, relu: problem.relu, layers, hidden: H, stateWidth: P, directions: D, inputSize, tokens: false, steps: T };
  const stack = new KernelStack(memory, config, B, false);
  const staging = filled(problem.x);
  k.swap_major(B, T, inputSize, staging.pointer, stack.input!.pointer);
  const initial: InitialState[] = directions.map((_, i) => ({
    h: problem.h0.subarray(i * B * P, (i + 1) * B * P),
    c: problem.c0?.subarray(i * B * H, (i + 1) * B * H),
  }));
  const lengths = problem.lengths ? Int32Array.from(problem.lengths) : undefined;
  stack.forward(weights, B, false, lengths, initial);

  const width = layerOutputWidth(model);
  const top = memory.floats({ pointer: stack.top, length: T * B * width }).slice();
  const output = batchMajor(memory, top, T, B, width);
  // h_n per direction: the final states [B, D*P] of each layer split by direction.
  const hN = concat(directions.map(({ l, d }) => columns(memory.floats(stack.layers[l].final), B, width, d * P, P)));
  const cN = hasCellState
    ? concat(
        directions.map(({ l, d }) => {
          const cs = memory.floats(stack.direction(l, d).cs!);
          return concat(Array.from({ length: B }, (_, b) => cs.slice(((lengths?.[b] ?? T) * B + b) * H, ((lengths?.[b] ?? T) * B + b + 1) * H)));
        }),
      )
    : undefined;
  let loss = 0;
  top.forEach((value) => (loss += value * value));
  memory.floats(stack.dTop).set(top.map((value) => 2 * value));
  if (problem.lossIncludesFinalState) {
    hN.forEach((value) => (loss += value * value));
    stack.layers.forEach((layer) => memory.floats(layer.dFinal).set(memory.floats(layer.final).map((value) => 2 * value)));
  }

  stack.backward(copies, gradients, true);
  const parameterGradients: Record<string, Float32Array> = {};
  directions.forEach(({ l, d }, i) => {
    const names = namesOf(l, d);
    const g = gradients[i];
    parameterGradients[names.wih] = torchLayout(memory, g.wihT, widthOf(l), G);
    parameterGradients[names.whh] = torchLayout(memory, g.whhT, P, G);
    if (names.bih && g.bih) parameterGradients[names.bih] = memory.floats(g.bih).slice();
    if (names.bhh && g.bhh) parameterGradients[names.bhh] = memory.floats(g.bhh).slice();
    if (names.whr && g.whrT) parameterGradients[names.whr] = torchLayout(memory, g.whrT, H, P);
  });
  return {
    output,
    hN,
    cN,
    loss,
    parameterGradients,
    x: batchMajor(memory, memory.floats(stack.dInput!), T, B, inputSize),
    h0: concat(directions.map(({ l, d }) => memory.floats(stack.direction(l, d).dh).slice(0, B * P))),
    c0: hasCellState ? concat(directions.map(({ l, d }) => memory.floats(stack.direction(l, d).dc!).slice(0, B * H))) : undefined,
  };
}

/** Columns offset … offset+count of a [rows, width] matrix. */
function columns(data: Float32Array, rows: number, width: number, offset: number, count: number): Float32Array {
  const result = new Float32Array(rows * count);
  for (let r = 0; r < rows; r++) result.set(data.subarray(r * width + offset, r * width + offset + count), r * count);
  return result;
}

/** Time-major [T*B, width] rows → [B, T, width]. */
function batchMajor(memory: KernelMemory, rows: Float32Array, T: number, B: number, width: number): Float32Array {
  const source = memory.allocate(T * B * width);
  const target = memory.allocate(T * B * width);
  memory.floats(source).set(rows.subarray(0, T * B * width));
  memory.kernels.swap_major(T, B, width, source.pointer, target.pointer);
  return memory.floats(target).slice();
}

/** An engine-layout [in, out] gradient in PyTorch's [out, in]. */
function torchLayout(memory: KernelMemory, gradient: KernelBuffer, width: number, out: number): Float32Array {
  const target = memory.allocate(gradient.length);
  memory.kernels.transpose(width, out, gradient.pointer, target.pointer);
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
