/** The benchmark's outputs: what machine it ran on, and the Markdown table of results. */
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import type { CaseResult, ImplementationResult, Spread } from './method';
import { PEAK_SIZE, type Peak } from './peak';
import type { TorchInfo } from './torch';
import { WORKLOADS } from './workloads';

export interface Environment {
  cpu: string;
  cores: number;
  node: string;
  /** The tfjs backend of the reference and tf.layers, with its own thread count. */
  tfjs: { version: string; backend: string; threads: number; simd?: boolean; note?: string };
  /** PyTorch's interpreter details (as started for the first thread count), or why it was skipped. */
  torch: TorchInfo | { note: string };
  /** The thread counts ours and PyTorch ran with (`--threads`), each for the whole case loop. */
  threads: number[];
}

/** The CPU model as /proc/cpuinfo names it (falling back to what Node reports). */
export function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1].trim();
  } catch {
    // Not Linux: os.cpus() below.
  }
  return os.cpus()[0]?.model ?? 'unknown CPU';
}

function describeTorch(torch: Environment['torch']): string {
  if ('note' in torch) return torch.note;
  const { blas } = torch;
  const loaded = blas.loaded.length > 0 ? blas.loaded.join(', ') : 'no BLAS library found loaded';
  return `PyTorch ${torch.torch} (Python ${torch.python}), BLAS: ${blas.library} (BLAS_INFO=${blas.configBlas}; loaded ${loaded})`;
}

export function environmentHeader(environment: Environment): string {
  const { tfjs } = environment;
  const backend = [tfjs.backend, tfjs.simd === undefined ? '' : tfjs.simd ? 'SIMD' : 'no SIMD', `${tfjs.threads} thread(s)`].filter(Boolean).join(', ');
  return [
    `- Machine: ${environment.cpu}, ${environment.cores} cores`,
    `- Node ${environment.node}, tfjs ${tfjs.version}, backend ${backend}${tfjs.note ? ` (${tfjs.note})` : ''}`,
    `- ${describeTorch(environment.torch)}`,
    `- ours and PyTorch on ${environment.threads.map(threadsLabel).join(', then ')} (--threads)`,
  ].join('\n');
}

export function threadsLabel(threads: number): string {
  return threads === 1 ? '1 thread' : `${threads} threads`;
}

function formatGflops(gflops: number | undefined): string {
  return gflops === undefined ? '—' : gflops.toFixed(gflops < 10 ? 2 : 1);
}

/** The heading of one thread count's results: the sgemm peak the table's percentages are of. */
export function peakLine(peak: Peak): string {
  const rate = (gflops: number | undefined, missing: string) => (gflops === undefined ? `— (${missing})` : `${formatGflops(gflops)} GFLOP/s`);
  return (
    `${threadsLabel(peak.threads)}: sgemm peak (${PEAK_SIZE}×${PEAK_SIZE} float32) torch.mm ${rate(peak.torchMm, 'no PyTorch')}, ` +
    `ours gemm ${formatGflops(peak.oursGemm)} GFLOP/s`
  );
}

function formatRate(spread: Spread): string {
  const digits = spread.median >= 100 ? 0 : 1;
  return `${spread.median.toFixed(digits)} (${spread.min.toFixed(digits)}–${spread.max.toFixed(digits)})`;
}

function ratio(ours: ImplementationResult | undefined, other: ImplementationResult | undefined): string {
  return ours && other ? `${(ours.stepsPerSecond.median / other.stepsPerSecond.median).toFixed(2)}×` : '—';
}

/**
 * Workload × cell rows of one thread count: median steps/s with the min–max across rounds, our speed relative to
 * each reference, and the GFLOP/s of ours and PyTorch, also as a percentage of that thread count's torch.mm peak.
 */
export function resultsTable(cases: CaseResult[], peak?: Peak): string {
  // The pytorch engine's column only where it was measured (`--impls` with pytorch-engine and torch installed).
  const engine = cases.some((result) => result.implementations.some((r) => r.id === 'pytorch-engine'));
  const lines = [
    '| Workload | Cell | ours steps/s | reference steps/s | tf.layers steps/s | PyTorch steps/s | ' +
      `${engine ? 'pytorch-engine steps/s | ' : ''}ours/reference | ours/tf.layers | ours/PyTorch | ` +
      'ours GFLOP/s | PyTorch GFLOP/s | ours % of torch.mm | PyTorch % of torch.mm |',
    `| --- | --- | ---: | ---: | ---: | ---: | ${engine ? '---: | ' : ''}---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
  ];
  const percent = (r: ImplementationResult | undefined) => (r && peak?.torchMm !== undefined ? `${((100 * r.gflops) / peak.torchMm).toFixed(1)}%` : '—');
  for (const result of cases) {
    const find = (id: string) => result.implementations.find((r) => r.id === id);
    const [ours, reference, layers, torch] = [find('ours'), find('reference'), find('layers'), find('torch')];
    const rate = (r: ImplementationResult | undefined) => (r ? formatRate(r.stepsPerSecond) : '—');
    const workload = WORKLOADS.find((w) => w.id === result.workload);
    lines.push(
      `| ${result.workload} ${workload?.name ?? ''} | ${result.cell} | ${rate(ours)} | ${rate(reference)} | ${rate(layers)} | ${rate(torch)} | ` +
        (engine ? `${rate(find('pytorch-engine'))} | ` : '') +
        `${ratio(ours, reference)} | ${ratio(ours, layers)} | ${ratio(ours, torch)} | ` +
        `${formatGflops(ours?.gflops)} | ${formatGflops(torch?.gflops)} | ${percent(ours)} | ${percent(torch)} |`,
    );
  }
  return lines.join('\n');
}

/** What a variant workload's option costs one implementation on one cell: the plain layer's steps/s over the variant's (2.00 = half as fast). */
export interface OptionCost {
  workload: string;
  base: string;
  cell: string;
  threads: number;
  /** Implementation id → slowdown, for those measured on both. */
  slowdown: Record<string, number>;
}

export function optionCosts(cases: CaseResult[]): OptionCost[] {
  const costs: OptionCost[] = [];
  for (const result of cases) {
    const base = WORKLOADS.find((w) => w.id === result.workload)?.variant?.base;
    const plain = cases.find((other) => other.workload === base && other.cell === result.cell && other.threads === result.threads);
    if (!base || !plain) continue;
    const slowdown: Record<string, number> = {};
    for (const implementation of result.implementations) {
      const reference = plain.implementations.find((r) => r.id === implementation.id);
      if (reference) slowdown[implementation.id] = reference.stepsPerSecond.median / implementation.stepsPerSecond.median;
    }
    costs.push({ workload: result.workload, base, cell: result.cell, threads: result.threads, slowdown });
  }
  return costs;
}

/** The cost of each option against the plain layer of the same shape, ours and PyTorch side by side. */
export function optionCostTable(costs: OptionCost[]): string {
  if (costs.length === 0) return '';
  const times = (value: number | undefined) => (value === undefined ? '—' : `${value.toFixed(2)}×`);
  const lines = ['| Option | Cell | ours: time per step vs plain | PyTorch: time per step vs plain |', '| --- | --- | ---: | ---: |'];
  for (const cost of costs) {
    const name = WORKLOADS.find((w) => w.id === cost.workload)?.name ?? cost.workload;
    lines.push(`| ${cost.workload} ${name} (vs ${cost.base}) | ${cost.cell} | ${times(cost.slowdown.ours)} | ${times(cost.slowdown.torch)} |`);
  }
  return lines.join('\n');
}

/** Memory held outside the JS heap by each implementation that can tell: the same after the rounds as after the warm-up, or it grew. */
export function memorySummary(cases: CaseResult[], peakRssBytes?: number): string {
  const megabytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  const lines: string[] = [];
  for (const result of cases) {
    for (const implementation of result.implementations) {
      const memory = implementation.memoryBytes;
      if (!memory) continue;
      const growth = memory.afterRounds - memory.afterWarmup;
      lines.push(
        `- ${result.workload} ${result.cell} ${implementation.id}: ${megabytes(memory.afterRounds)}` +
          (growth === 0 ? ', no growth during rounds' : `, grew by ${megabytes(growth)} during rounds`) +
          ` (${threadsLabel(result.threads)})`,
      );
    }
  }
  const peak =
    peakRssBytes === undefined ? '' : `\nPeak resident memory of the benchmark process (every implementation but PyTorch's): ${megabytes(peakRssBytes)}`;
  return lines.length === 0 ? peak.trim() : `Memory outside the JS heap (kernel memory; all tfjs tensors for tfjs engines):\n${lines.join('\n')}${peak}`;
}

/** Tensor bookkeeping: any growth during the timed rounds or left behind after disposing is a leak. */
export function tensorSummary(cases: CaseResult[]): string {
  const problems: string[] = [];
  for (const result of cases) {
    const label = `${result.workload} ${result.cell}`;
    if (result.tensors.after !== result.tensors.before) {
      problems.push(`${label}: ${result.tensors.before} tensors before setup, ${result.tensors.after} after dispose`);
    }
    for (const implementation of result.implementations) {
      if (implementation.tensorGrowth) {
        problems.push(`${label} ${implementation.id}: ${implementation.tensorGrowth} tensors more after the timed rounds`);
      }
    }
  }
  if (cases.length === 0) return '';
  const counts = `tf.memory().numTensors: ${cases[0].tensors.before} before the first case, ${cases[cases.length - 1].tensors.after} after the last`;
  return problems.length === 0 ? `${counts}; no growth during rounds.` : `${counts}. Leaks:\n${problems.map((p) => `- ${p}`).join('\n')}`;
}
