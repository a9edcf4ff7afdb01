/**
 * What `rnn-lab train` prints: readable text (with a progress line on terminals) or one
 * JSON object per line.
 */
import { isAbsolute, relative } from 'node:path';
import type { RunExperimentResult } from '../engine/runExperiment';
import type { SweepPoint } from '../engine/runs/summary';
import type { TrainEvent } from '../engine/events';
import { RunFollower } from '../engine/runs/runFollower';
import { formatSweepValue } from '../engine/spec/sweep';
import { describeEngine, formatDuration, formatPercent, formatStepsPerSecond, formatValue } from '../engine/format';
import { formatFindings } from './findingsReport';
import { formatTable } from './format';
import { ProgressLine, progressBar } from './progress';
import { escapeControlCharacters } from './terminalText';

/** One run of a `train` command: its place in the sweep and, once done, its result. */
export interface PlannedRun {
  index: number;
  total: number;
  sweep?: SweepPoint;
  result?: RunExperimentResult;
}

export interface TrainReporter {
  runCreated(run: PlannedRun, runDir: string): void;
  /** An event of `run`: with runs in parallel, events of several runs interleave. */
  event(event: TrainEvent, run: PlannedRun): void;
  runFinished(run: PlannedRun & { result: RunExperimentResult }): void;
  /** After the last run (or the one a stop request ended). */
  allFinished(runs: PlannedRun[]): void;
  /** The first Ctrl-C. */
  stopping(): void;
}

const STOPPING_MESSAGE = 'Stopping after the current step (Ctrl-C again to quit at once)...';

/** `1 epoch`, `3 epochs`. */
function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Relative to the working directory when inside it, else absolute. */
function displayPath(path: string): string {
  const relativePath = relative(process.cwd(), path);
  return relativePath === '' || relativePath.startsWith('..') || isAbsolute(relativePath) ? path : relativePath;
}

/**
 * One JSON object per line on stdout: a `run` line when a run folder exists, every event, a
 * `summary` line at the end of each run. With runs in parallel, each event also names its run's `index`.
 */
export class JsonReporter implements TrainReporter {
  constructor(private readonly parallel = false) {}

  runCreated(run: PlannedRun, runDir: string): void {
    this.print({ type: 'run', runDir, index: run.index, total: run.total, sweep: run.sweep });
  }

  event(event: TrainEvent, run: PlannedRun): void {
    this.print(this.parallel ? { ...event, index: run.index } : event);
  }

  runFinished(run: PlannedRun & { result: RunExperimentResult }): void {
    this.print({ type: 'summary', runDir: run.result.runDir, summary: run.result.summary });
  }

  allFinished(): void {}

  stopping(): void {
    process.stderr.write(`${STOPPING_MESSAGE}\n`);
  }

  private print(value: unknown): void {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  }
}

/**
 * Text for people: a line per epoch, a progress line on terminals, a sweep table at the end.
 * With runs in parallel: a line when each run starts and one when it ends, its warnings, the table.
 */
export class TextReporter implements TrainReporter {
  private readonly progress: ProgressLine | undefined;
  /** The run being trained, as its events tell it. */
  private run = new RunFollower();

  constructor(private readonly parallel = false) {
    this.progress = process.stdout.isTTY && !parallel ? new ProgressLine(process.stdout) : undefined;
  }

  runCreated(run: PlannedRun): void {
    this.run = new RunFollower();
    if (run.total > 1) {
      this.print(`${this.parallel ? '' : '\n'}Run ${run.index}/${run.total}${this.parallel ? ' started' : ''}: ${run.sweep?.label ?? ''}`);
    }
  }

  event(event: TrainEvent, run: PlannedRun): void {
    if (this.parallel) {
      if (event.type === 'log' && event.level !== 'info') this.print(`Run ${run.index}/${run.total}: ${event.level}: ${event.message}`, process.stderr);
      return;
    }
    this.run.add(event);
    switch (event.type) {
      case 'start':
        this.print(
          `${event.cell.toUpperCase()}, ${event.parameterCount} parameters, on ${event.dataset} (${describeEngine(event.engine, event.backend, event)})\n` +
            `${plural(event.epochs, 'epoch')} of ${plural(event.stepsPerEpoch, 'step')}; ` +
            `baseline loss ${formatValue(event.baseline.loss)} (${event.baseline.label})` +
            (event.dataFile ? `\nData file: ${event.dataFile}` : ''),
        );
        break;
      case 'step':
        this.progress?.update(() => this.stepLine());
        break;
      case 'epoch': {
        const epochs = String(this.run.epochsPlanned || event.epoch);
        const accuracy = event.validationAccuracy === undefined ? '' : `  val acc ${formatPercent(event.validationAccuracy)}`;
        this.print(
          `epoch ${String(event.epoch).padStart(epochs.length)}/${epochs}  train ${formatValue(event.trainLoss)}  val ${formatValue(event.validationLoss)}` +
            `  baseline ${formatValue(event.baselineLoss)}${accuracy}  ${formatDuration(event.elapsedMs)}`,
        );
        break;
      }
      case 'log':
        this.print(`${event.level}: ${event.message}`, event.level === 'info' ? process.stdout : process.stderr);
        break;
      case 'end':
        this.progress?.clear();
        break;
      case 'probe':
      case 'finding':
        break;
    }
  }

  runFinished({ index, total, sweep, result: { runDir, summary } }: PlannedRun & { result: RunExperimentResult }): void {
    const best =
      summary.bestValidationLoss === undefined
        ? 'no validation loss'
        : `best validation loss ${formatValue(summary.bestValidationLoss)} at epoch ${summary.bestEpoch}` +
          (summary.bestValidationAccuracy === undefined ? '' : `, best accuracy ${formatPercent(summary.bestValidationAccuracy)}`);
    const which = this.parallel && total > 1 ? `Run ${index}/${total} ${sweep?.label ?? ''} ` : '';
    this.print(`${which}${summary.status}${summary.reason ? ` (${summary.reason})` : ''}: ${best}, in ${formatDuration(summary.durationMs)}`);
    this.print(`Run folder: ${displayPath(runDir)}`);
    for (const line of formatFindings(summary.findings ?? [])) {
      this.print(line);
    }
  }

  allFinished(runs: PlannedRun[]): void {
    if (runs.length < 2) {
      return;
    }
    const keys = Object.keys(runs[0].sweep?.assignments ?? {});
    const rows = runs.map((run) => {
      const summary = run.result?.summary;
      return [
        String(run.index),
        ...keys.map((key) => formatSweepValue(run.sweep?.assignments[key])),
        summary?.status ?? 'not run',
        formatValue(summary?.bestValidationLoss),
        summary?.bestEpoch === undefined ? '-' : String(summary.bestEpoch),
        summary?.id ?? '-',
      ];
    });
    const header = ['#', ...keys, 'status', 'best val', 'epoch', 'run'];
    const numeric = new Set([0, keys.length + 2, keys.length + 3]);
    this.print(`\n${formatTable(header, rows, numeric)}`);
  }

  stopping(): void {
    this.print(STOPPING_MESSAGE, process.stderr);
  }

  private stepLine(): string {
    const { epoch, step, loss } = this.run;
    const epochs = this.run.epochsPlanned || epoch;
    const perEpoch = Math.max(1, this.run.stepsPerEpoch || step);
    const inEpoch = ((step - 1) % perEpoch) + 1;
    const rate = formatStepsPerSecond(this.run.stepsPerSecond);
    return `epoch ${epoch}/${epochs} ${progressBar(inEpoch / perEpoch, 20)} step ${inEpoch}/${perEpoch}  loss ${formatValue(loss)}${rate ? `  ${rate}` : ''}`;
  }

  private print(text: string, stream: NodeJS.WriteStream = process.stdout): void {
    this.progress?.clear();
    // Dataset descriptions and reasons quote the user's files (CSV headers): no control characters reach the terminal.
    stream.write(`${escapeControlCharacters(text)}\n`);
  }
}
