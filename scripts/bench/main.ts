/**
 * `npm run bench`: training throughput (steps/s) of our engine (the WebAssembly kernels)
 * against our tfjs-ops reference engine and tf.layers on the same tfjs backend and, when it
 * is installed, PyTorch on the CPU with the same thread count, and the pytorch engine (`--engine pytorch`,
 * Python's start included). Prints a Markdown table and
 * writes every number to a JSON file.
 *
 * Options: --rounds N, --seconds S (per round), --warmup S, --only W1,W3, --cells rnn,lstm,
 * --impls ours,reference,layers,torch,pytorch-engine, --backend wasm|cpu, --json FILE, --quick (a short smoke test);
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
import { cpuModel, environmentHeader, memorySummary, optionCosts, optionCostTable, resultsTable, tensorSummary, type Environment } from './report';
import { pytorchEngineImplementation } from './pytorchEngine';
import { startTorch } from './torch';
import { findTorchPython } from '../../src/engine/pytorch/python';
import { CELLS, makeBatch, runsWorkload, WORKLOADS } from './workloads';

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
  const wanted = list(flags.impls, ['ours', 'reference', 'layers', 'torch', 'pytorch-engine'], 'impls');

  const backend = await initBackend(flags.backend);
  // The wasm backend runs on one thread in Node unless built and served for workers; the cpu backend always does.
  const threads = backend.backend === 'wasm' ? getThreadsCount() : 1;
  const torch = wanted.includes('torch') ? await startTorch(threads) : { note: 'PyTorch not requested' };

  const implementations: Implementation[] = [];
  if (wanted.includes('ours')) implementations.push(oursImplementation);
  if (wanted.includes('reference')) implementations.push(referenceImplementation);
  if (wanted.includes('layers')) implementations.push(layersImplementation);
  if ('implementation' in torch) implementations.push(torch.implementation);
  const enginePython = wanted.includes('pytorch-engine') ? findTorchPython() : undefined;
  if (enginePython) implementations.push(pytorchEngineImplementation(enginePython.python, threads));
  else if (wanted.includes('pytorch-engine')) console.log('pytorch-engine: no Python with torch (python3, /usr/bin/python3); left out');

  const environment: Environment = {
    cpu: cpuModel(),
    cores: os.cpus().length,
    node: process.version,
    tfjs: {
      version: tf.version_core,
      backend: backend.backend,
      threads,
      ...(backend.backend === 'wasm' ? { simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT') } : {}),
      ...(backend.note ? { note: backend.note } : {}),
    },
    torch: 'info' in torch ? torch.info : { note: torch.note },
  };
  console.log(environmentHeader(environment));
  const perCase = implementations.length * (method.warmupSeconds + method.rounds * method.seconds);
  console.log(
    `\n${workloads.length * cells.length} cases × ${implementations.map((i) => i.label).join(', ')}: ` +
      `at least ${Math.ceil((workloads.length * cells.length * perCase) / 60)} min ` +
      `(${method.warmupSeconds} s warm-up, ${method.rounds} × ${method.seconds} s rounds each)\n`,
  );

  const cases: CaseResult[] = [];
  try {
    for (const workload of workloads) {
      const batch = makeBatch(workload, BATCH_SEED);
      for (const cell of cells) {
        const runners = implementations.filter((implementation) => runsWorkload(implementation.id, workload));
        if (runners.length === 0) continue;
        const result = await measureCase(runners, workload, cell, batch, method);
        cases.push(result);
        const rates = result.implementations.map((r) => `${r.id} ${r.stepsPerSecond.median.toFixed(1)}`).join(', ');
        console.log(`${workload.id} ${cell}: ${rates} steps/s`);
      }
    }
  } finally {
    if ('close' in torch) torch.close();
  }

  const peakRss = process.resourceUsage().maxRSS * 1024;
  const costs = optionCosts(cases);
  console.log(
    `\n${environmentHeader(environment)}\n\n${resultsTable(cases)}\n\n${optionCostTable(costs)}\n\n${tensorSummary(cases)}\n${memorySummary(cases, peakRss)}`,
  );
  writeFileSync(flags.json, JSON.stringify({ date: new Date().toISOString(), environment, method, cases, optionCosts: costs }, null, 2) + '\n');
  console.log(`\nWrote ${flags.json}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
