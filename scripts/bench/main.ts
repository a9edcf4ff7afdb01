/**
 * `npm run bench`: training throughput (steps/s and GFLOP/s) of our engine (the WebAssembly kernels)
 * against our tfjs-ops reference engine and tf.layers on the same tfjs backend and, when it
 * is installed, PyTorch on the CPU with the same thread count, and the pytorch engine (`--engine pytorch`,
 * Python's start included), on the workloads W1–W4 (workloads.ts). Each thread count starts with the
 * machine's sgemm peak (torch.mm and our gemm on 1024×1024 matrices). Prints a Markdown table per
 * thread count and writes every number to a JSON file.
 *
 * Options: --rounds N, --seconds S (per round), --warmup S, --only W1,W3,W4, --cells rnn,lstm (W4 has
 * lstm and gru only), --impls ours,reference,layers,torch,pytorch-engine, --backend wasm|cpu,
 * --threads N or a list 1,2 (ours' and PyTorch's threads, default 1: the whole case loop runs once per
 * count, PyTorch restarted for each; the reference and tf.layers keep the tfjs backend's threads),
 * --json FILE, --quick (a short smoke test);
 * --doctor measures the training doctor's cost on the shipped examples instead (--only names examples).
 */
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { initBackend } from '../../src/engine/backend';
import { doctorCostTable, measureDoctorCost } from './doctor';
import type { CellType } from '../../src/engine/spec/types';
import { layersImplementation } from './layers';
import { measureCase, type CaseResult, type Implementation, type MethodOptions } from './method';
import { oursImplementation, referenceImplementation } from './ours';
import { measurePeak, type Peak } from './peak';
import {
  cpuModel,
  environmentHeader,
  memorySummary,
  optionCosts,
  optionCostTable,
  peakLine,
  resultsTable,
  tensorSummary,
  threadsLabel,
  type Environment,
} from './report';
import { pytorchEngineImplementation } from './pytorchEngine';
import { startTorch, type TorchAvailability } from './torch';
import { findTorchPython } from '../../src/engine/pytorch/python';
import { CELLS, makeBatch, runsWorkload, trainsCell, WORKLOADS, type Workload } from './workloads';

const BATCH_SEED = 7;

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string' },
    seconds: { type: 'string' },
    warmup: { type: 'string' },
    only: { type: 'string' },
    cells: { type: 'string' },
    impls: { type: 'string', default: 'ours,reference,layers,torch,pytorch-engine' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string', default: '1' },
    json: { type: 'string', default: 'bench-results.json' },
    quick: { type: 'boolean', default: false },
    doctor: { type: 'boolean', default: false },
  },
});

function list(value: string | undefined, allowed: readonly string[], option: string): string[] {
  if (value === undefined) return [...allowed];
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
  const unknown = items.filter((item) => !allowed.includes(item));
  if (unknown.length > 0) throw new Error(`--${option}: unknown ${unknown.join(', ')} (choose from ${allowed.join(', ')})`);
  return items;
}

function positive(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!(number > 0)) throw new Error(`--${option} must be a positive number, got ${value}`);
  return number;
}

/** `--threads`: one positive integer or a comma-separated list, each counted once. */
function threadCounts(value: string): number[] {
  const counts = value.split(',').map((item) => Number(item.trim()));
  if (counts.some((count) => !Number.isInteger(count) || count < 1)) throw new Error(`--threads takes positive integers separated by commas, got ${value}`);
  return [...new Set(counts)];
}

async function main(): Promise<void> {
  if (flags.doctor) {
    const costs = await measureDoctorCost(Math.round(positive(flags.rounds, flags.quick ? 1 : 3, 'rounds')), flags.only?.split(','));
    console.log(`\n${doctorCostTable(costs)}`);
    writeFileSync(flags.json, JSON.stringify({ date: new Date().toISOString(), doctor: costs }, null, 2) + '\n');
    return;
  }
  if (flags.backend !== 'wasm' && flags.backend !== 'cpu') throw new Error(`--backend must be wasm or cpu, got ${flags.backend}`);
  const method: MethodOptions = {
    rounds: Math.round(positive(flags.rounds, flags.quick ? 1 : 5, 'rounds')),
    seconds: positive(flags.seconds, flags.quick ? 0.3 : 1.5, 'seconds'),
    warmupSeconds: positive(flags.warmup, flags.quick ? 0.5 : 2, 'warmup'),
    minSteps: 2,
  };
  const workloads = list(
    flags.only,
    WORKLOADS.map((w) => w.id),
    'only',
  ).map((id) => WORKLOADS.find((w) => w.id === id)!);
  const cells = list(flags.cells, CELLS, 'cells') as CellType[];
  const plan = workloads.flatMap((workload) => cells.filter((cell) => trainsCell(workload, cell)).map((cell) => ({ workload, cell })));
  const wanted = list(flags.impls, ['ours', 'reference', 'layers', 'torch', 'pytorch-engine'], 'impls');
  const threadList = threadCounts(flags.threads);

  const backend = await initBackend(flags.backend);
  const enginePython = wanted.includes('pytorch-engine') ? findTorchPython() : undefined;
  if (wanted.includes('pytorch-engine') && !enginePython) console.log('pytorch-engine: no Python with torch (python3, /usr/bin/python3); left out');
  const startWanted = async (threads: number): Promise<TorchAvailability> =>
    wanted.includes('torch') ? startTorch(threads) : { note: 'PyTorch not requested' };
  const close = (torch: TorchAvailability) => {
    if ('close' in torch) torch.close();
  };
  let torch = await startWanted(threadList[0]);

  const environment: Environment = {
    cpu: cpuModel(),
    cores: os.cpus().length,
    node: process.version,
    tfjs: {
      version: tf.version_core,
      backend: backend.backend,
      // The wasm backend runs on one thread in Node unless built and served for workers; the cpu backend always does.
      threads: backend.backend === 'wasm' ? getThreadsCount() : 1,
      ...(backend.backend === 'wasm' ? { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT') } : {}),
      ...(backend.note ? { note: backend.note } : {}),
    },
    torch: 'info' in torch ? torch.info : { note: torch.note },
    threads: threadList,
  };
  console.log(environmentHeader(environment));

  const peaks: Peak[] = [];
  const cases: CaseResult[] = [];
  try {
    for (const [index, threads] of threadList.entries()) {
      if (index > 0) {
        close(torch);
        torch = await startWanted(threads);
      }
      const implementations: Implementation[] = [];
      if (wanted.includes('ours')) implementations.push(oursImplementation(threads));
      if (wanted.includes('reference')) implementations.push(referenceImplementation);
      if (wanted.includes('layers')) implementations.push(layersImplementation);
      if ('implementation' in torch) implementations.push(torch.implementation);
      if (enginePython) implementations.push(pytorchEngineImplementation(enginePython.python, threads));
      const runners = (workload: Workload) => implementations.filter((implementation) => runsWorkload(implementation.id, workload));

      const peak = await measurePeak(threads, torch, method.seconds);
      peaks.push(peak);
      const measured = plan.filter(({ workload }) => runners(workload).length > 0);
      const runs = measured.reduce((sum, { workload }) => sum + runners(workload).length, 0);
      console.log(
        `\n${peakLine(peak)}\n${measured.length} cases × ${implementations.map((i) => i.label).join(', ')}: ` +
          `at least ${Math.ceil((runs * (method.warmupSeconds + method.rounds * method.seconds)) / 60)} min ` +
          `(${method.warmupSeconds} s warm-up, ${method.rounds} × ${method.seconds} s rounds each)\n`,
      );
      for (const { workload, cell } of measured) {
        const result = await measureCase(runners(workload), workload, cell, makeBatch(workload, BATCH_SEED), method, threads);
        cases.push(result);
        const rates = result.implementations.map((r) => `${r.id} ${r.stepsPerSecond.median.toFixed(1)}`).join(', ');
        console.log(`${workload.id} ${cell}, ${threadsLabel(threads)}: ${rates} steps/s`);
      }
    }
  } finally {
    close(torch);
  }

  const peakRss = process.resourceUsage().maxRSS * 1024;
  const costs = optionCosts(cases);
  const sections = peaks.map((peak) => {
    const own = (entry: { threads: number }) => entry.threads === peak.threads;
    return [peakLine(peak), resultsTable(cases.filter(own), peak), optionCostTable(costs.filter(own))].filter(Boolean).join('\n\n');
  });
  console.log(`\n${environmentHeader(environment)}\n\n${sections.join('\n\n')}\n\n${tensorSummary(cases)}\n${memorySummary(cases, peakRss)}`);
  writeFileSync(flags.json, JSON.stringify({ date: new Date().toISOString(), environment, method, peak: peaks, cases, optionCosts: costs }, null, 2) + '\n');
  console.log(`\nWrote ${flags.json}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
