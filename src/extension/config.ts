/** The extension's settings (`rnnLab.*`), read fresh each time they are needed. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { BackendPreference, TrainEngine } from '../engine/engineKind';
import { DEFAULT_MEMORY_LIMIT_MB } from '../engine/resources/memoryLimit';
import { DEFAULT_MAX_SWEEP_RUNS } from '../engine/spec/sweep';

export interface Settings {
  runsFolder: string;
  backend: BackendPreference;
  engine: TrainEngine;
  /** The Python for the pytorch engine; empty: found (see `pythonCandidates`). */
  pythonPath: string;
  /** `rnnLab.maxParallelRuns`; undefined: automatic (see `parallelRuns`). */
  maxParallelRuns: number | undefined;
  /** `rnnLab.threadsPerRun`; undefined: automatic (see `threadsPerRun`). */
  threadsPerRun: number | undefined;
  codeLensRefreshMs: number;
  workerMemoryLimitMb: number;
  maxSweepRuns: number;
}

export function readSettings(scope?: vscode.Uri): Settings {
  const config = vscode.workspace.getConfiguration('rnnLab', scope);
  return {
    runsFolder: config.get<string>('runsFolder', '.rnn/runs'),
    backend: config.get<BackendPreference>('backend', 'auto'),
    engine: config.get<TrainEngine>('engine', 'kernels'),
    pythonPath: config.get<string>('pythonPath', '').trim(),
    // `maxConcurrentRuns` is the setting's earlier name, kept for those who set it.
    maxParallelRuns: config.get<number | null>('maxParallelRuns', null) ?? config.get<number | null>('maxConcurrentRuns', null) ?? undefined,
    threadsPerRun: config.get<number | null>('threadsPerRun', null) ?? undefined,
    codeLensRefreshMs: Math.max(500, config.get<number>('codeLensRefreshMs', 1000)),
    workerMemoryLimitMb: Math.max(64, config.get<number>('workerMemoryLimitMb', DEFAULT_MEMORY_LIMIT_MB)),
    maxSweepRuns: Math.max(1, config.get<number>('maxSweepRuns', DEFAULT_MAX_SWEEP_RUNS)),
  };
}

/** The runs folder for a spec file: the setting, relative to the spec's folder unless absolute. */
export function runsRootFor(specUri: vscode.Uri): string {
  return path.resolve(path.dirname(specUri.fsPath), readSettings(specUri).runsFolder);
}
