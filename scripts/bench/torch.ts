/**
 * The PyTorch CPU reference: `torch_bench.py` runs as a child process that sets up the
 * same workload on the same batch and times its own steps, one round per request, so its
 * rounds interleave with the tfjs implementations. Absent PyTorch is a note, not a failure.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { CELLS } from '../../src/engine/model/cellDescriptions';
import type { Implementation, RoundTiming, Trainer } from './method';
import { LEARNING_RATE } from './workloads';

export interface TorchInfo {
  torch: string;
  python: string;
  threads: number;
  blas: { library: string; configBlas: string; configLapack: string; loaded: string[] };
}

export type TorchAvailability =
  | {
      implementation: Implementation;
      info: TorchInfo;
      /** `torch.mm` of two random `size`×`size` float32 matrices, timed for at least `seconds`. */
      peak(size: number, seconds: number): Promise<RoundTiming>;
      close(): void;
    }
  | { note: string };

/**
 * Interpreters to try in order: `python3` from PATH, then the system one, where a Linux
 * distribution's PyTorch package (Debian's python3-torch) lands when a Python version
 * manager's `python3` comes first on PATH.
 */
const DEFAULT_PYTHONS = ['python3', '/usr/bin/python3'];

const SCRIPT = join(__dirname, 'torch_bench.py');

/** One child process with a JSON-lines request/response channel. */
class TorchProcess {
  private readonly lines: AsyncIterableIterator<string>;
  private readonly reader: Interface;
  private stderr = '';

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    // Writing to a process that has already exited fails with EPIPE; `receive` reports its end instead.
    child.stdin.on('error', () => {});
    this.reader = createInterface({ input: child.stdout });
    this.lines = this.reader[Symbol.asyncIterator]();
  }

  /** The next JSON line the process prints; rejects with its stderr when it ends instead. */
  async receive<T>(): Promise<T> {
    const next = await this.lines.next();
    if (next.done) throw new Error(`PyTorch process ended: ${this.stderr.trim().split('\n').slice(-3).join(' | ') || 'no output'}`);
    return JSON.parse(next.value) as T;
  }

  async request<T>(message: object): Promise<T> {
    this.child.stdin.write(JSON.stringify(message) + '\n');
    return this.receive<T>();
  }

  close(): void {
    this.child.stdin.end(JSON.stringify({ cmd: 'quit' }) + '\n');
    this.reader.close();
  }
}

async function start(python: string, threads: number): Promise<{ process: TorchProcess; info: TorchInfo } | { note: string }> {
  // Keep BLAS and OpenMP pools to the same thread count as torch.set_num_threads. Passive waiting:
  // OpenMP's and OpenBLAS's threads spinning for each other on as many cores as threads make
  // PyTorch several times slower at 2 threads than at 1 on a 2-core machine (measured: W3 LSTM 6–14
  // against 30 steps/s); sleeping between parallel regions brings it back to its 1-thread speed.
  const env = { ...process.env, OMP_NUM_THREADS: String(threads), OPENBLAS_NUM_THREADS: String(threads), OMP_WAIT_POLICY: 'PASSIVE' };
  const child = spawn(python, [SCRIPT, String(threads)], { env });
  const spawnError = new Promise<{ note: string }>((resolve) => child.on('error', (error) => resolve({ note: `${python}: ${error.message}` })));
  const torchProcess = new TorchProcess(child);
  const greeting = torchProcess
    .receive<({ ready: true } & TorchInfo) | { ready: false; reason: string }>()
    .catch((error: Error) => ({ ready: false as const, reason: error.message }));
  const first = await Promise.race([greeting, spawnError]);
  if ('note' in first) return first;
  if (!first.ready) {
    torchProcess.close();
    return { note: `${python}: ${first.reason}` };
  }
  const { ready: _ready, ...info } = first;
  return { process: torchProcess, info };
}

/** Starts the PyTorch process with the first interpreter that has torch, or says why none does. */
export async function startTorch(threads: number, pythons: string[] = DEFAULT_PYTHONS): Promise<TorchAvailability> {
  const notes: string[] = [];
  for (const python of pythons) {
    const started = await start(python, threads);
    if ('note' in started) {
      notes.push(started.note);
      continue;
    }
    const { process: torchProcess, info } = started;
    const implementation: Implementation = {
      id: 'torch',
      label: 'PyTorch',
      usesTfjs: false,
      async setup(workload, cell, batch): Promise<Trainer> {
        const arrays =
          batch.task === 'tokens'
            ? { inputs: Array.from(batch.inputs), labels: Array.from(batch.labels) }
            : { inputs: Array.from(batch.inputs), targets: Array.from(batch.targets), ...(batch.lengths ? { lengths: Array.from(batch.lengths) } : {}) };
        await torchProcess.request({ cmd: 'setup', workload: { ...workload, learningRate: LEARNING_RATE }, module: CELLS[cell].torchModule, batch: arrays });
        let loss = NaN;
        return {
          async run(seconds, minSteps): Promise<RoundTiming> {
            const result = await torchProcess.request<RoundTiming & { loss: number }>({ cmd: 'run', seconds, minSteps });
            loss = result.loss;
            return { steps: result.steps, seconds: result.seconds };
          },
          lastLoss: () => loss,
          // The next setup replaces the model; nothing to free here.
          async dispose() {},
        };
      },
    };
    return {
      implementation,
      info,
      peak: (size, seconds) => torchProcess.request<RoundTiming>({ cmd: 'peak', size, seconds }),
      close: () => torchProcess.close(),
    };
  }
  return { note: `PyTorch skipped (${notes.join('; ')})` };
}
