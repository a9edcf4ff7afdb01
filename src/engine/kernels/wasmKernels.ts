/**
 * The compiled kernels (`kernels.c` → `kernels.wasm`) and the memory they work in. Each engine
 * gets its own instance, so its memory goes away with it; buffers are carved out of that memory
 * once and reused, so a training step allocates nothing.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const WASM_FILE = 'kernels.wasm';

/** A byte offset into the instance's memory. */
export type Pointer = number;

/** The exports of kernels.c; every pointer is a byte offset, every size a count of elements. */
export interface KernelExports {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  gemm(M: number, N: number, K: number, A: Pointer, sam: number, sak: number, B: Pointer, ldb: number, C: Pointer, ldc: number, accumulate: number): void;
  transpose(rows: number, cols: number, src: Pointer, dst: Pointer): void;
  swap_major(outer: number, inner: number, width: number, src: Pointer, dst: Pointer): void;
  fill_rows(rows: number, cols: number, bias: Pointer, dst: Pointer): void;
  gather_rows(rows: number, cols: number, table: Pointer, ids: Pointer, bias: Pointer, dst: Pointer): void;
  scatter_add_rows(rows: number, cols: number, src: Pointer, ids: Pointer, table: Pointer): void;
  column_sums(rows: number, cols: number, src: Pointer, dst: Pointer, accumulate: number): void;
  add_arrays(n: number, a: Pointer, b: Pointer, dst: Pointer): void;
  multiply_arrays(n: number, a: Pointer, b: Pointer, dst: Pointer): void;
  rnn_forward(T: number, B: number, H: number, pre: Pointer, whhT: Pointer, hs: Pointer, relu: number): void;
  rnn_backward(T: number, B: number, H: number, hs: Pointer, whh: Pointer, dz: Pointer, dhs: Pointer, dh: Pointer, relu: number): void;
  lstm_forward(T: number, B: number, H: number, gates: Pointer, whhT: Pointer, hs: Pointer, cs: Pointer): void;
  lstm_backward(T: number, B: number, H: number, gates: Pointer, cs: Pointer, whh: Pointer, dz: Pointer, dhs: Pointer, dh: Pointer, dc: Pointer): void;
  gru_forward(T: number, B: number, H: number, gates: Pointer, whhT: Pointer, bhh: Pointer, hs: Pointer, hpn: Pointer, hp: Pointer): void;
  gru_backward(T: number, B: number, H: number, gates: Pointer, hpn: Pointer, hs: Pointer, whh: Pointer, dxp: Pointer, dhp: Pointer, dhs: Pointer, dh: Pointer): void;
  mse_loss(n: number, pred: Pointer, target: Pointer, dpred: Pointer): number;
  softmax_cross_entropy(rows: number, classes: number, logits: Pointer, labels: Pointer, dlogits: Pointer, correct: Pointer): number;
  sum_of_squares(n: number, x: Pointer): number;
  adam_update(n: number, p: Pointer, g: Pointer, m: Pointer, v: Pointer, lr: number, scale: number, beta1: number, beta2: number, eps: number, bias1: number, bias2: number): void;
  momentum_update(n: number, p: Pointer, g: Pointer, square: Pointer, buffer: Pointer, lr: number, scale: number, alpha: number, eps: number, momentum: number, first: number): void;
}

let compiled: WebAssembly.Module | undefined;

/** Beside the bundle (dist/), or beside this file when run from source. */
function wasmPath(): string {
  const path = join(__dirname, WASM_FILE);
  if (!existsSync(path)) {
    throw new Error(`the compute kernels are missing: ${path} not found`);
  }
  return path;
}

/** A float32 or int32 buffer in kernel memory. */
export interface KernelBuffer {
  pointer: Pointer;
  length: number;
}

/** One instance of the kernels with a bump allocator over its memory. */
export class KernelMemory {
  readonly kernels: KernelExports;
  private top: number;

  constructor() {
    compiled ??= new WebAssembly.Module(readFileSync(wasmPath()));
    this.kernels = new WebAssembly.Instance(compiled, {}).exports as unknown as KernelExports;
    this.top = this.kernels.__heap_base.value as number;
  }

  /** The allocation mark: `release(mark)` frees everything allocated after it. */
  get mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /** `length` zeroed 4-byte elements, 16-byte aligned. */
  allocate(length: number): KernelBuffer {
    const pointer = (this.top + 15) & ~15;
    const end = pointer + Math.max(length, 1) * 4;
    const memory = this.kernels.memory;
    if (end > memory.buffer.byteLength) {
      memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
    }
    this.top = end;
    const buffer = { pointer, length };
    this.floats(buffer).fill(0);
    return buffer;
  }

  /** A view of a buffer (views are recreated on every call: the memory may have grown). */
  floats(buffer: KernelBuffer): Float32Array {
    return new Float32Array(this.kernels.memory.buffer, buffer.pointer, buffer.length);
  }

  ints(buffer: KernelBuffer): Int32Array {
    return new Int32Array(this.kernels.memory.buffer, buffer.pointer, buffer.length);
  }
}
