/**
 * The pytorch engine: exports the run's spec to a temporary project and runs its train.py in a Python
 * child process with `--json`; train.py writes the run folder in RNN Lab's layout (under the same
 * runs folder and experiment folder as a kernel run), and its events stream back as a kernel run's do.
 * A stop request is SIGINT to the child, which ends the run as `stopped` with its weights.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { TrainEvent } from '../events';
import type { RunExperimentOptions, RunExperimentResult } from '../runExperiment';
import { defaultRunsRoot, RUN_FILES } from '../runs/layout';
import type { RunSummary } from '../runs/summary';
import { exportPytorchProject, PROJECT_FILES } from './exportProject';
import { resolveTorchPython, torchNotFound } from './python';

export interface PytorchRunOptions extends Omit<RunExperimentOptions, 'backend' | 'engine'> {
  /** The Python to run; without one, the first default with torch (see `resolveTorchPython`). */
  python?: string;
  /** Interpreters to try when `python` is not given (the Python extension's first, in the editor). */
  pythonFallbacks?: readonly string[];
  /** How the user names another Python, for the "PyTorch not found" message (default: the setting). */
  choosePython?: string;
  /** `auto` (CUDA when there is one), `cpu`, `cuda`, `cuda:N`. */
  device?: string;
}

/** How often a stop request is looked for. */
const STOP_POLL_MS = 100;

type Line = TrainEvent | { type: 'run'; runDir: string } | { type: 'summary'; runDir: string; summary: RunSummary };

export async function runWithPytorch(options: PytorchRunOptions): Promise<RunExperimentResult> {
  const { python } = resolveTorchPython(options.python, options.pythonFallbacks, options.choosePython);
  const projectDir = mkdtempSync(join(tmpdir(), 'rnn-lab-pytorch-'));
  try {
    exportPytorchProject({ specPath: options.specPath, spec: options.spec, sweep: options.sweep, outDir: projectDir, resourcesDir: options.resourcesDir });
    const runsRoot = options.runsRoot ?? defaultRunsRoot(options.specPath);
    const args = [join(projectDir, PROJECT_FILES.script), '--json', '--runs', runsRoot, '--device', options.device ?? 'auto'];
    return await runTrainScript(python, args, options, torchNotFound(python, options.choosePython));
  } finally {
    rmSync(projectDir, { recursive: true, force: true });
  }
}

/** train.py's exit code when it cannot import torch. */
const EXIT_NO_TORCH = 3;

function runTrainScript(python: string, args: string[], options: PytorchRunOptions, noTorch: string): Promise<RunExperimentResult> {
  return new Promise((resolve, reject) => {
    // Its own process group: a terminal's Ctrl-C reaches the CLI, which asks for one clean stop, not the child twice.
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    let runDir: string | undefined;
    let summary: RunSummary | undefined;
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8000)));
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (text) => {
      let line: Line;
      try {
        line = JSON.parse(text) as Line;
      } catch {
        return; // not an event (a library's print)
      }
      if (line.type === 'run') {
        runDir = line.runDir;
        options.onRunCreated?.(line.runDir);
      } else if (line.type === 'summary') {
        summary = line.summary;
      } else {
        options.onEvent?.(line);
      }
    });
    let stopSent = false;
    const poll = setInterval(() => {
      if (!stopSent && options.shouldStop?.()) {
        stopSent = true;
        child.kill('SIGINT');
      }
    }, STOP_POLL_MS);
    child.on('error', (error) => {
      clearInterval(poll);
      reject(new Error(`cannot run ${python}: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearInterval(poll);
      summary ??= runDir ? readSummary(runDir) : undefined;
      if (runDir && summary) {
        resolve({ runDir, summary });
        return;
      }
      if (code === EXIT_NO_TORCH) {
        reject(new Error(noTorch));
        return;
      }
      const why = stderr.trim().split('\n').slice(-3).join(' | ') || `exit code ${code ?? signal}`;
      reject(new Error(`train.py (${python}) ended before its run started: ${why}`));
    });
  });
}

function readSummary(runDir: string): RunSummary | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir, RUN_FILES.summary), 'utf8')) as RunSummary;
  } catch {
    return undefined;
  }
}
