/** The command line's usage text, exit codes and argument parsing. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ENGINE_KINDS, type BackendPreference, type EngineKind, type TrainEngine } from '../engine/engineKind';
import { DEFAULT_MEMORY_LIMIT_MB } from '../engine/resources/memoryLimit';
import { MAX_KERNEL_THREADS } from '../engine/kernels/wasmKernels';
import { MAX_AUTOMATIC_PARALLEL_RUNS } from '../engine/resources/parallelRuns';
import type { SpecLimits } from '../engine/spec/load';
import { DEFAULT_MAX_SWEEP_RUNS } from '../engine/spec/sweep';

export const EXIT = {
  ok: 0,
  /** Spec invalid, reference verification failed, or a run failed. */
  failed: 1,
  usage: 2,
  /** Stopped with Ctrl-C (SIGINT), SIGTERM or SIGHUP. */
  interrupted: 130,
} as const;

export const USAGE = `rnn-lab - train and inspect recurrent networks (RNN, LSTM, GRU) from *.rnn.json specs

Usage:
  rnn-lab train SPEC [--epochs N] [--json] [--runs DIR] [--engine kernels|tfjs|pytorch] [--backend auto|wasm|cpu]
                     [--python PATH] [--memory-limit MB] [--max-sweep-runs N] [--parallel N] [--threads N]
  rnn-lab train SPEC --resume RUN_FOLDER [--json] [--runs DIR] [--engine kernels|tfjs] [--backend auto|wasm|cpu]
                     [--memory-limit MB] [--threads N]
  rnn-lab validate SPEC... [--verbose] [--memory-limit MB] [--max-sweep-runs N]
  rnn-lab runs SPEC [--runs DIR]
  rnn-lab export RUN_FOLDER [--weights FILE] [--metrics FILE]
  rnn-lab export-pytorch SPEC|RUN_FOLDER [--out DIR]
  rnn-lab doctor RUN_FOLDER [--json]
  rnn-lab verify-reference FILE... [--engine kernels|tfjs] [--backend auto|wasm|cpu]
  rnn-lab --help | --version

Commands:
  train             Validate SPEC, then train every run of its sweep, started in order,
                    --parallel N at once. Each run is
                    recorded in .rnn/runs/<spec file name>/<run id>/ beside the spec,
                    with a checkpoint at every epoch end.
  validate          Check specs; prints "file:line:col severity: message" per problem.
  runs              List the recorded runs of SPEC, newest first.
  export            Write a run's final weights (FILE.safetensors in PyTorch's state-dict
                    layout, or FILE.json) and/or its metrics (FILE.csv, one row per step
                    and epoch, or FILE.json).
  export-pytorch    Write a PyTorch project (train.py, data.safetensors, init.safetensors,
                    spec.json, README.md) that trains SPEC as RNN Lab does, on a GPU or
                    under torchrun; from a run folder, its final weights are the start.
  doctor            The training doctor's findings for a recorded run (why it fails
                    and what to change), recomputed from its metrics and probes;
                    --json prints {"findings": [...]}.
  verify-reference  Compare the engine with PyTorch reference values (forward pass and
                    gradients); fails when any differs by more than 1e-5.

Options:
  --epochs N        Train for N epochs instead of the spec's training.epochs.
  --resume FOLDER   Continue that stopped or interrupted run of SPEC from its last
                    checkpoint, in the same folder, with the spec and (unless --engine is
                    given) the engine it was started with.
  --json            train: one JSON event per line on stdout instead of text;
                    doctor: the findings as JSON.
  --runs DIR        Keep runs under DIR instead of .rnn/runs beside the spec.
  --engine NAME     kernels (WebAssembly SIMD kernels; the default), tfjs (the
                    reference implementation on TensorFlow.js ops) or, for train,
                    pytorch (the exported train.py in a Python child process).
  --python PATH     train --engine pytorch: the Python with torch (default: python3,
                    then /usr/bin/python3).
  --backend NAME    The TensorFlow.js backend: auto (wasm, else cpu; the default),
                    wasm or cpu.
  --out DIR         export-pytorch: the project folder (default: <spec name>-pytorch
                    beside the spec, or <run id>-pytorch here for a run folder).
  --memory-limit MB All of a run's memory (default ${DEFAULT_MEMORY_LIMIT_MB}): a spec estimated past it
                    is an error, and the engine refuses allocations past it.
  --max-sweep-runs N  The most runs a sweep may have (default ${DEFAULT_MAX_SWEEP_RUNS}).
  --parallel N      train: the sweep's runs that train at once, each in its own worker
                    thread (default: one per CPU core, at most ${MAX_AUTOMATIC_PARALLEL_RUNS}; fewer when N
                    runs at their --memory-limit would not fit in the machine's memory;
                    one per --threads N cores when --threads is given).
  --threads N       train: the threads each run's kernels split their products and batches
                    over (default: the run's share of the CPU cores among the runs that
                    train at once, so a lone run uses every core, at most ${MAX_KERNEL_THREADS}).
  --verbose         validate: also print each spec's memory estimate (parameters, BPTT
                    activations, optimizer state, dataset, probe records).
  --weights FILE    export: where to write the weights.
  --metrics FILE    export: where to write the metrics.
  -h, --help        Show this help.
  -v, --version     Print the version.

Ctrl-C (or SIGTERM, or SIGHUP) stops training cleanly: the run is kept as "stopped",
with its weights, and can be resumed. Press it twice to quit at once.

Exit codes:
  0    success
  1    spec invalid, verification failed, or a run failed
  2    usage error
  130  interrupted (Ctrl-C, SIGTERM or SIGHUP)
`;

/** A mistake in the command line itself (exit code 2). */
export class UsageError extends Error {}

/** `parseArgs` with positionals allowed, its errors turned into `UsageError`s. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** `--memory-limit` and `--max-sweep-runs`, shared by validate and train. */
export const LIMIT_OPTIONS = { 'memory-limit': { type: 'string' }, 'max-sweep-runs': { type: 'string' } } as const;

/** A positive whole number option, checked. */
function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
    throw new UsageError(`--${name} must be a positive whole number`);
  }
  return number;
}

/** `--parallel N`: the sweep's runs trained at once; undefined (automatic) when not given. */
export function parallelOption(value: string | undefined): number | undefined {
  return positiveInteger('parallel', value);
}

/** `--threads N`: each run's kernel threads; undefined (automatic) when not given. */
export function threadsOption(value: string | undefined): number | undefined {
  return positiveInteger('threads', value);
}

/** The limits a spec is checked against, from `--memory-limit` and `--max-sweep-runs`. */
export function specLimits(values: { 'memory-limit'?: string; 'max-sweep-runs'?: string }): SpecLimits {
  return {
    memoryLimitMb: positiveInteger('memory-limit', values['memory-limit']),
    maxSweepRuns: positiveInteger('max-sweep-runs', values['max-sweep-runs']),
  };
}

/** The `--engine` and `--backend` options, shared by the commands that run the engine. */
export const ENGINE_OPTIONS = { engine: { type: 'string', default: 'kernels' }, backend: { type: 'string', default: 'auto' } } as const;

const BACKENDS: readonly BackendPreference[] = ['auto', 'wasm', 'cpu'];

/** The `--backend` value, checked. */
export function backendPreference(value: string): BackendPreference {
  if (!BACKENDS.includes(value as BackendPreference)) {
    throw new UsageError(`--backend must be one of ${BACKENDS.join(', ')}`);
  }
  return value as BackendPreference;
}

/** The `--engine` value, checked against the engines the command can use. */
export function engineKind<T extends TrainEngine = EngineKind>(value: string, allowed: readonly T[] = ENGINE_KINDS as readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new UsageError(`--engine must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}
