/**
 * The compiled kernels (`kernels.c`, see scripts/kernels/build.mjs) and the memory they work in.
 * Each engine gets its own instance, so its memory goes away with it; buffers are carved out of
 * that memory once and reused, so a training step allocates nothing. The memory is created here
 * with a maximum (the run's memory limit, at most the 4 GiB a 32-bit address reaches), and an
 * allocation past it is refused with a `MemoryLimitError` that says how much was asked for.
 *
 * Two builds: `relaxed` (fused multiply-adds, picked where the engine has relaxed SIMD) and
 * `deterministic` (the same rounding on every machine, for the reference checks). With
 * `threads` > 1 helper threads, each running its own instance of the same module over the
 * shared memory, take parts of every large job (products, recurrences over a batch, gathers).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { formatBytes, MemoryLimitError } from '../resources/memoryLimit';

export type KernelBuild = 'relaxed' | 'deterministic';

const WASM_FILES: Record<KernelBuild, string> = { relaxed: 'kernels-relaxed.wasm', deterministic: 'kernels.wasm' };

/** The most threads one product is split over (MAX_THREADS in kernels.c). */
export const MAX_KERNEL_THREADS = 4;

/** A byte offset into the instance's memory. */
export type Pointer = number;

/** The exports of kernels.c; every pointer is a byte offset, every size a count of elements. */
export interface KernelExports {
  __heap_base: WebAssembly.Global;
  __stack_pointer: WebAssembly.Global;
  helper_loop(id: number): void;
  wait_for_helpers(count: number, timeoutMs: number): number;
  stop_helpers(): void;
  shared_jobs(): number;
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

const compiled: Partial<Record<KernelBuild, WebAssembly.Module>> = {};
let relaxedSupported: boolean | undefined;

/** Beside the bundle (dist/), or beside this file when run from source. */
function wasmBytes(build: KernelBuild): Buffer {
  const path = join(__dirname, WASM_FILES[build]);
  if (!existsSync(path)) {
    throw new Error(`the compute kernels are missing: ${path} not found`);
  }
  return readFileSync(path);
}

/**
 * Whether this engine runs relaxed SIMD: on by default from V8 11.4 (Electron 25, Node 21);
 * Node 20 has it behind a flag, which is set here before the module is compiled.
 */
function supportsRelaxedSimd(): boolean {
  if (relaxedSupported === undefined) {
    const bytes = wasmBytes('relaxed');
    if (!WebAssembly.validate(bytes)) setFlagsFromString('--experimental-wasm-relaxed-simd');
    relaxedSupported = WebAssembly.validate(bytes);
    // Compiled from the bytes just read, so that the file is read once.
    if (relaxedSupported) compiled.relaxed = new WebAssembly.Module(bytes);
  }
  return relaxedSupported;
}

/** The build an engine gets by default: the relaxed one where it loads. */
export function fastestKernelBuild(): KernelBuild {
  return supportsRelaxedSimd() ? 'relaxed' : 'deterministic';
}

function kernelModule(build: KernelBuild): WebAssembly.Module {
  if (build === 'relaxed' && !supportsRelaxedSimd()) throw new Error('this JavaScript engine has no relaxed SIMD for the relaxed kernels');
  return (compiled[build] ??= new WebAssembly.Module(wasmBytes(build)));
}

/**
 * A helper thread: its own instance over the shared memory, on its own stack, waiting in
 * `helper_loop` for parts of jobs until the kernels tell it to stop. It must not log: the
 * creating thread may be blocked in a product while the helper runs.
 */
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, stackTop, id } = workerData;
const kernels = new WebAssembly.Instance(module, { env: { memory } }).exports;
kernels.__stack_pointer.value = stackTop;
kernels.helper_loop(id);
`;

/** Helpers start in tens of milliseconds; one that has not started by then will not. */
const HELPER_START_TIMEOUT_MS = 10000;

/** Each helper's stack (the module's own is 64 KiB, `-z stack-size`). */
const HELPER_STACK_BYTES = 65536;

export interface KernelMemoryOptions {
  /** The most bytes the memory may grow to; the whole 32-bit space when omitted. */
  maximumBytes?: number;
  /** The fastest that loads when omitted. */
  build?: KernelBuild;
  /** Threads for large products, this one included (1 … MAX_KERNEL_THREADS); 1 when omitted. */
  threads?: number;
}

/** A float32 or int32 buffer in kernel memory. */
export interface KernelBuffer {
  pointer: Pointer;
  length: number;
}

const PAGE = 65536;
/** The module's own data (the packing blocks) and stack (`--initial-memory` of the build). */
const INITIAL_PAGES = 32;
/** The bytes every instance's memory starts with, before any buffer of a run. */
export const MODULE_BYTES = INITIAL_PAGES * PAGE;
/** Every byte a 32-bit pointer can address. */
export const ADDRESS_SPACE = 2 ** 32;

/** One instance of the kernels with a bump allocator over its memory, and its helper threads. */
export class KernelMemory {
  readonly kernels: KernelExports;
  readonly memory: WebAssembly.Memory;
  readonly build: KernelBuild;
  /** The most bytes the memory may grow to. */
  readonly maximumBytes: number;
  private top: number;
  /** Everything at or above this offset has never been handed out, so it is still zero. */
  private untouched: number;
  private readonly helpers: Worker[] = [];

  constructor(options: KernelMemoryOptions = {}) {
    this.build = options.build ?? fastestKernelBuild();
    const module = kernelModule(this.build);
    const maximumPages = Math.max(INITIAL_PAGES, Math.min(ADDRESS_SPACE / PAGE, Math.floor((options.maximumBytes ?? ADDRESS_SPACE) / PAGE)));
    this.maximumBytes = maximumPages * PAGE;
    this.memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: maximumPages, shared: true });
    this.kernels = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as KernelExports;
    this.top = this.kernels.__heap_base.value as number;
    this.untouched = this.top;
    const threads = Math.max(1, Math.min(MAX_KERNEL_THREADS, Math.floor(options.threads ?? 1)));
    for (let id = 1; id < threads; id++) {
      const stack = this.allocate(HELPER_STACK_BYTES / 4);
      const workerData = { module, memory: this.memory, stackTop: stack.pointer + HELPER_STACK_BYTES, id };
      const helper = new Worker(HELPER_SOURCE, { eval: true, workerData });
      // A helper never keeps the process alive; `close` ends it.
      helper.unref();
      this.helpers.push(helper);
    }
    const helpers = this.helpers.length;
    if (helpers > 0 && this.kernels.wait_for_helpers(helpers, HELPER_START_TIMEOUT_MS) < helpers) {
      this.close();
      throw new Error(`the kernels' ${helpers} helper threads did not start within ${HELPER_START_TIMEOUT_MS / 1000} s`);
    }
  }

  /** Ends the helper threads (the memory goes with the last reference to it). */
  close(): void {
    if (this.helpers.length === 0) return;
    this.kernels.stop_helpers();
    for (const helper of this.helpers.splice(0)) void helper.terminate();
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
