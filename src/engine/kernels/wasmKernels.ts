/**
 * The compiled kernels (`kernels.c` → `kernels.wasm`) and the memory they work in. Each engine
 * gets its own instance, so its memory goes away with it; buffers are carved out of that memory
 * once and reused, so a training step allocates nothing. The memory is created here with a
 * maximum (the run's memory limit, at most the 4 GiB a 32-bit address reaches), and an allocation
 * past it is refused with a `MemoryLimitError` that says how much was asked for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatBytes, MemoryLimitError } from '../resources/memoryLimit';

const WASM_FILE = 'kernels.wasm';

/** A byte offset into the instance's memory. */
export type Pointer = number;

/** The exports of kernels.c; every pointer is a byte offset, every size a count of elements. */
export interface KernelExports {
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
  gather_steps(
    T: number,
    B: number,
    width: number,
    lengths: Pointer,
    reverse: number,
    src: Pointer,
    srcStride: number,
    dst: Pointer,
    dstStride: number,
    accumulate: number,
  ): void;
  gather_final(T: number, B: number, width: number, lengths: Pointer, hs: Pointer, dst: Pointer, dstStride: number): void;
  add_final(T: number, B: number, width: number, lengths: Pointer, src: Pointer, srcStride: number, dhs: Pointer): void;
  rnn_forward(T: number, B: number, H: number, pre: Pointer, whhT: Pointer, hs: Pointer, relu: number): void;
  rnn_backward(T: number, B: number, H: number, hs: Pointer, whh: Pointer, dz: Pointer, dhs: Pointer, dh: Pointer, relu: number): void;
  lstm_forward(T: number, B: number, H: number, P: number, gates: Pointer, whhT: Pointer, whrT: Pointer, hs: Pointer, cs: Pointer, ms: Pointer): void;
  lstm_backward(
    T: number,
    B: number,
    H: number,
    P: number,
    gates: Pointer,
    cs: Pointer,
    whh: Pointer,
    whr: Pointer,
    dz: Pointer,
    dhs: Pointer,
    dh: Pointer,
    dc: Pointer,
    dm: Pointer,
  ): void;
  gru_forward(T: number, B: number, H: number, gates: Pointer, whhT: Pointer, bhh: Pointer, hs: Pointer, hpn: Pointer, hp: Pointer): void;
  gru_backward(
    T: number,
    B: number,
    H: number,
    gates: Pointer,
    hpn: Pointer,
    hs: Pointer,
    whh: Pointer,
    dxp: Pointer,
    dhp: Pointer,
    dhs: Pointer,
    dh: Pointer,
  ): void;
  mse_loss(n: number, pred: Pointer, target: Pointer, dpred: Pointer): number;
  softmax_cross_entropy(rows: number, classes: number, logits: Pointer, labels: Pointer, dlogits: Pointer, correct: Pointer): number;
  sum_of_squares(n: number, x: Pointer): number;
  adam_update(
    n: number,
    p: Pointer,
    g: Pointer,
    m: Pointer,
    v: Pointer,
    lr: number,
    scale: number,
    beta1: number,
    beta2: number,
    eps: number,
    bias1: number,
    bias2: number,
    l2: number,
    shrink: number,
  ): void;
  momentum_update(
    n: number,
    p: Pointer,
    g: Pointer,
    square: Pointer,
    buffer: Pointer,
    lr: number,
    scale: number,
    alpha: number,
    eps: number,
    momentum: number,
    first: number,
    l2: number,
  ): void;
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

const PAGE = 65536;
/** The module's own data and stack (`--initial-memory` of the build). */
const INITIAL_PAGES = 16;
/** Every byte a 32-bit pointer can address. */
export const ADDRESS_SPACE = 2 ** 32;

/** One instance of the kernels with a bump allocator over its memory. */
export class KernelMemory {
  readonly kernels: KernelExports;
  readonly memory: WebAssembly.Memory;
  /** The most bytes the memory may grow to. */
  readonly maximumBytes: number;
  private top: number;
  /** Everything at or above this offset has never been handed out, so it is still zero. */
  private untouched: number;

  /** `maximumBytes`: the run's memory limit for the kernels; the whole 32-bit space when omitted. */
  constructor(maximumBytes = ADDRESS_SPACE) {
    compiled ??= new WebAssembly.Module(readFileSync(wasmPath()));
    const maximumPages = Math.max(INITIAL_PAGES, Math.min(ADDRESS_SPACE / PAGE, Math.floor(maximumBytes / PAGE)));
    this.maximumBytes = maximumPages * PAGE;
    this.memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: maximumPages });
    this.kernels = new WebAssembly.Instance(compiled, { env: { memory: this.memory } }).exports as unknown as KernelExports;
    this.top = this.kernels.__heap_base.value as number;
    this.untouched = this.top;
  }

  /** The allocation mark: `release(mark)` frees everything allocated after it. */
  get mark(): number {
    return this.top;
  }

  release(mark: number): void {
    this.top = mark;
  }

  /**
   * `length` zeroed 4-byte elements, 16-byte aligned. Offsets are plain arithmetic, not 32-bit
   * integer operations, so they stay right above 2 GiB; past the maximum the allocation is refused.
   */
  allocate(length: number): KernelBuffer {
    const pointer = Math.ceil(this.top / 16) * 16;
    const end = pointer + Math.max(length, 1) * 4;
    if (end > this.maximumBytes) {
      throw new MemoryLimitError(
        `the kernels need ${formatBytes(end)} of memory for this model and batch, more than the ${formatBytes(this.maximumBytes)} ` +
          `they may use; lower training.batchSize, the sequence length or model.hiddenSize, or raise the memory limit`,
      );
    }
    const size = this.memory.buffer.byteLength;
    if (end > size) {
      try {
        this.memory.grow(Math.ceil((end - size) / PAGE));
      } catch {
        throw new MemoryLimitError(`the system refused the kernels ${formatBytes(end)} of memory; lower training.batchSize or model.hiddenSize`);
      }
    }
    const buffer = { pointer, length };
    // Memory that was never handed out is still zero (new pages are zeroed): only reused memory is cleared.
    const reused = Math.min(end, this.untouched) - pointer;
    if (reused > 0) new Uint8Array(this.memory.buffer, pointer, reused).fill(0);
    this.top = end;
    this.untouched = Math.max(this.untouched, end);
    return buffer;
  }

  /** A view of a buffer (views are recreated on every call: the memory may have grown). */
  floats(buffer: KernelBuffer): Float32Array {
    return new Float32Array(this.memory.buffer, buffer.pointer, buffer.length);
  }

  ints(buffer: KernelBuffer): Int32Array {
    return new Int32Array(this.memory.buffer, buffer.pointer, buffer.length);
  }
}
