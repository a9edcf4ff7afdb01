/**
 * The machine's sgemm peak, the yardstick for the workloads' GFLOP/s: the rate of one square
 * float32 matrix product, PyTorch's `torch.mm` (its BLAS) and our kernels' `gemm`, at each thread count.
 */
import { KernelMemory } from '../../src/engine/kernels/wasmKernels';
import { gflopsPerSecond } from './flops';
import { timeSteps, type RoundTiming } from './method';
import type { TorchAvailability } from './torch';

/** The matrices' side: large enough for a BLAS to reach its peak, small enough to time in a second. */
export const PEAK_SIZE = 1024;

/** GFLOP/s of each product at one thread count; absent where it was not measured. */
export interface Peak {
  threads: number;
  torchMm?: number;
  oursGemm: number;
}

/** GFLOP/s of `timing.steps` products of two `size`×`size` matrices (2·size³ FLOPs each). */
export function gemmGflops(size: number, timing: RoundTiming): number {
  return gflopsPerSecond(2 * size ** 3, timing.steps / timing.seconds);
}

/**
 * Our `gemm` on C = A·B with random A and B, on `threads` threads, for at least `seconds` after two
 * untimed products (the wasm tier-up).
 */
export async function measureOursGemm(size: number, seconds: number, threads: number): Promise<number> {
  const memory = new KernelMemory({ threads });
  try {
    const [a, b, c] = [memory.allocate(size * size), memory.allocate(size * size), memory.allocate(size * size)];
    for (const buffer of [a, b]) memory.floats(buffer).forEach((_, index, values) => (values[index] = Math.random() * 2 - 1));
    const product = () => memory.kernels.gemm(size, size, size, a.pointer, size, 1, b.pointer, size, c.pointer, size, 0);
    await timeSteps(product, 0, 2);
    return gemmGflops(size, await timeSteps(product, seconds, 1));
  } finally {
    memory.close();
  }
}

/** Both products at one thread count, each timed for `seconds`: torch.mm where PyTorch was started (with that thread count), and our gemm. */
export async function measurePeak(threads: number, torch: TorchAvailability, seconds: number): Promise<Peak> {
  const torchMm = 'peak' in torch ? gemmGflops(PEAK_SIZE, await torch.peak(PEAK_SIZE, seconds)) : undefined;
  return { threads, torchMm, oursGemm: await measureOursGemm(PEAK_SIZE, seconds, threads) };
}
