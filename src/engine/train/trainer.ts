/**
 * The training loop: minibatches, validation every epoch, probes, early stopping, and
 * a stop on NaN/Inf. Engine-agnostic: it drives any `SequenceModel`.
 */
import type { Dataset } from '../data/types';
import type { Backend, EndEvent, TrainEvent } from '../events';
import type { EngineKind } from '../engineKind';
import { growthPastStart } from '../doctor/trainingRules';
import { THRESHOLDS } from '../doctor/thresholds';
import { formatFigure } from '../doctor/format';
import { createEngine } from '../engines';
import type { EngineConfig, SequenceModel, StateDict } from '../model/types';
import { Random } from '../random';
import type { ExperimentSpec } from '../spec/types';
import { batchIndices, gatherBatch } from './batches';
import type { TrainerCheckpoint } from './checkpoint';
import { buildProbe, MAX_PREDICTIONS, type ValidationOutputs } from './probes';
import { LearningRateSchedule } from './schedule';
import { StepRate } from './stepRate';
import { passTestGate } from './testGate';

export interface TrainOptions {
  spec: ExperimentSpec;
  dataset: Dataset;
  backend: Backend;
  backendNote?: string;
  /** Every event: start, step, epoch, probe, log, end. */
  onEvent(event: TrainEvent): void;
  /** Polled between steps; true ends the run as `stopped`. */
  shouldStop(): boolean;
  initialWeights?: StateDict;
  /** The WebAssembly kernels unless another engine is asked for. */
  engine?: EngineKind;
  /** Continue a run from this checkpoint instead of starting afresh. */
  resumeFrom?: TrainerCheckpoint;
  /** Called at the start (epoch 0) and after every finished epoch, its events emitted. */
  onCheckpoint?(checkpoint: TrainerCheckpoint): void;
  /** The most bytes the engine's own memory may grow to (the run's memory limit less its data). */
  engineMemoryBytes?: number;
  /** Threads the kernels split their large products and batches over; 1 when omitted. */
  threads?: number;
}

export interface TrainOutcome {
  status: EndEvent['status'];
  reason?: string;
  weights: StateDict;
  /** Epochs that ran to their end; a run that failed on an error after some keeps their weights. */
  epochsFinished: number;
  /** The run failed on an error (not a divergence): its weights are those of its last step. */
  crashed: boolean;
}

/** Evaluation batches are larger than training ones: no backward pass is kept. */
const EVALUATION_BATCH = 256;

class RunEnded extends Error {
  constructor(readonly event: Omit<EndEvent, 'type' | 'time'>) {
    super(event.reason ?? event.status);
  }
}

/** The engine's configuration for a spec's model on a dataset. */
export function engineConfig(spec: ExperimentSpec, dataset: Dataset, memoryLimitBytes?: number, threads?: number): EngineConfig {
  return {
    model: spec.model,
    training: spec.training,
    input: dataset.input,
    task: dataset.task,
    seqLength: dataset.seqLength,
    outputSize: dataset.outputSize,
    seed: spec.training.seed,
    memoryLimitBytes,
    threads,
  };
}

/** An error as one line for a run's reason: its message's first line (the stack goes to the log). */
export function oneLineReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0].trim() || (error instanceof Error ? error.name : 'unknown error');
}

export async function trainExperiment(options: TrainOptions): Promise<TrainOutcome> {
  const engine = options.engine ?? 'kernels';
  const model = createEngine(engine, engineConfig(options.spec, options.dataset, options.engineMemoryBytes, options.threads));
  try {
    if (options.resumeFrom) {
      model.loadStateDict(options.resumeFrom.weights);
      model.loadTrainingState(options.resumeFrom.training);
    } else if (options.initialWeights) {
      model.loadStateDict(options.initialWeights);
    }
    const progress = { epochsFinished: 0 };
    const ending = await runEpochs({ ...options, engine }, model, progress);
    options.onEvent({ type: 'end', ...ending, time: Date.now() });
    const crashed = ending.status === 'failed' && ending.divergedAt === undefined;
    return { status: ending.status, reason: ending.reason, weights: model.stateDict(), epochsFinished: progress.epochsFinished, crashed };
  } finally {
    model.dispose();
  }
}

/**
 * The epochs, until the last, a stop, early stopping, a divergence or an error: an error (a
 * probe that cannot be built, memory refused) ends the run as failed with a one-line reason,
 * its stack in the log, and the finished epochs as they were recorded.
 */
async function runEpochs(
  options: TrainOptions & { engine: EngineKind },
  model: SequenceModel,
  progress: { epochsFinished: number },
): Promise<Omit<EndEvent, 'type' | 'time'>> {
  const { spec, dataset, onEvent, resumeFrom } = options;
  const { epochs, batchSize, earlyStopping } = spec.training;
  const shuffler = new Random(spec.training.seed).fork(3);
  const stepsPerEpoch = Math.ceil(dataset.train.count / batchSize);
  const now = Date.now();
  // Epoch times go on from the checkpoint's: the pause between stopping and resuming is not counted.
  const started = now - (resumeFrom?.elapsedMs ?? 0);
  const tracker = new EarlyStopping(earlyStopping);
  const schedule = new LearningRateSchedule(spec.training);
  let step = 0;
  if (resumeFrom) {
    shuffler.restoreState(resumeFrom.shuffler);
    tracker.restore(resumeFrom.earlyStopping);
    schedule.restore(resumeFrom.epoch, resumeFrom.schedule);
    step = resumeFrom.step;
    progress.epochsFinished = resumeFrom.epoch;
  }
  const checkpoint = (epoch: number): void =>
    options.onCheckpoint?.({
      epoch,
      step,
      elapsedMs: Date.now() - started,
      weights: model.stateDict(),
      training: model.trainingState(),
      shuffler: shuffler.saveState(),
      earlyStopping: tracker.record(),
      schedule: schedule.record(),
    });
  onEvent({
    type: 'start',
    backend: options.backend,
    backendNote: options.backendNote,
    engine: options.engine,
    dataset: dataset.description,
    cell: spec.model.cell,
    parameterCount: model.parameterCount,
    epochs,
    stepsPerEpoch,
    baseline: dataset.baseline,
    resumedFrom: resumeFrom && { epoch: resumeFrom.epoch, step: resumeFrom.step, durationMs: resumeFrom.elapsedMs },
    time: now,
  });
  if (options.backendNote) {
    onEvent({ type: 'log', level: 'warn', message: options.backendNote });
  }
  const rate = new StepRate();
  if (!resumeFrom) checkpoint(0);
  // The first step's loss, for the divergence of a finite loss (unknown to a resumed run, which skips that check).
  let firstLoss = NaN;
  try {
    const firstEpoch = (resumeFrom?.epoch ?? 0) + 1;
    for (let epoch = firstEpoch; epoch <= epochs; epoch++) {
      if (epoch > firstEpoch) await passTestGate(spec.name, options.shouldStop);
      let lossSum = 0;
      let sampleCount = 0;
      let correct = 0;
      let counted = 0;
      const learningRate = schedule.learningRate;
      const emitEpoch = (trainLoss: number, validation: Validation): void =>
        onEvent({
          type: 'epoch',
          epoch,
          trainLoss,
          validationLoss: validation.loss,
          ...(counted > 0 ? { trainAccuracy: correct / counted } : {}),
          validationAccuracy: validation.accuracy,
          baselineLoss: dataset.baseline.loss,
          elapsedMs: Date.now() - started,
        });
      for (const indices of batchIndices(dataset.train.count, batchSize, shuffler)) {
        await yieldToEventLoop();
        if (options.shouldStop()) {
          return { status: 'stopped', reason: stopReason(epoch, sampleCount > 0, step) };
        }
        step += 1;
        const result = model.trainStep(gatherBatch(dataset, dataset.train, indices), learningRate);
        if (!Number.isFinite(result.loss) || !Number.isFinite(result.gradNorm)) {
          throw new RunEnded(divergence(spec, epoch, step, nonFinite(result.loss, result.gradNorm)));
        }
        if (step === 1) firstLoss = result.loss;
        lossSum += result.loss * indices.length;
        sampleCount += indices.length;
        correct += result.correct ?? 0;
        counted += result.counted ?? 0;
        onEvent({
          type: 'step',
          epoch,
          step,
          loss: result.loss,
          gradNorm: result.gradNorm,
          learningRate,
          stepsPerSecond: rate.tick(),
          elapsedMs: Date.now() - started,
        });
      }
      const validation = evaluate(model, dataset);
      if (!Number.isFinite(validation.loss)) {
        throw new RunEnded(divergence(spec, epoch, step, nonFinite(validation.loss, 0)));
      }
      const trainLoss = lossSum / sampleCount;
      // A finite loss can diverge too: far past both its start and the baseline, it will not come back.
      const growth = Math.min(growthPastStart(validation.loss, firstLoss, dataset.baseline.loss), growthPastStart(trainLoss, firstLoss, dataset.baseline.loss));
      if (growth > THRESHOLDS.divergedFactor) {
        const what =
          `the validation loss grew to ${formatFigure(validation.loss)}, ${formatFigure(growth)}× its start (${formatFigure(firstLoss)}) ` +
          `and the baseline (${formatFigure(dataset.baseline.loss)})`;
        emitEpoch(trainLoss, validation);
        throw new RunEnded(divergence(spec, epoch, step, what));
      }
      emitEpoch(trainLoss, validation);
      schedule.endEpoch(validation.loss);
      progress.epochsFinished = epoch;
      const lastEpoch = epoch === epochs || tracker.shouldStop(validation.loss, validation.accuracy);
      if (spec.probe.samples > 0 && (epoch % spec.probe.everyEpochs === 0 || lastEpoch)) {
        onEvent(buildProbe(epoch, spec, dataset, model, validation));
      }
      checkpoint(epoch);
      if (lastEpoch && epoch < epochs) {
        const message = `Early stopping after epoch ${epoch}: ${tracker.metricName} did not improve for ${tracker.patience} epochs.`;
        onEvent({ type: 'log', level: 'info', message });
        return { status: 'completed', reason: message };
      }
    }
    return { status: 'completed' };
  } catch (error) {
    if (error instanceof RunEnded) {
      return error.event;
    }
    const reason = oneLineReason(error);
    onEvent({ type: 'log', level: 'error', message: `the run failed: ${reason}`, detail: error instanceof Error ? error.stack : undefined });
    const kept = progress.epochsFinished > 0 ? ` (${progress.epochsFinished} finished epoch${progress.epochsFinished === 1 ? '' : 's'} kept)` : '';
    return { status: 'failed', reason: `${reason}${kept}` };
  }
}

/**
 * Where a stop request found the run, counted as its step events count epochs (the epoch of the
 * last step), so that the reason agrees with the "epoch 5/40" the views show beside it.
 */
function stopReason(epoch: number, steppedThisEpoch: boolean, step: number): string {
  if (step === 0) return 'stopped by the user before the first step';
  return steppedThisEpoch ? `stopped by the user at epoch ${epoch}, step ${step}` : `stopped by the user after epoch ${epoch - 1}, step ${step}`;
}

/** What became non-finite, in words. */
function nonFinite(loss: number, gradNorm: number): string {
  return Number.isFinite(loss) ? `the gradient norm became ${gradNorm}` : `the loss became ${loss}`;
}

function divergence(spec: ExperimentSpec, epoch: number, step: number, what: string): Omit<EndEvent, 'type' | 'time'> {
  const clip = spec.training.clipNorm > 0 ? `lower training.clipNorm (now ${spec.training.clipNorm})` : 'set training.clipNorm (e.g. 1)';
  return {
    status: 'failed',
    reason:
      `Training diverged at epoch ${epoch}, step ${step}: ${what}. ` + `Try a lower training.learningRate (now ${spec.training.learningRate}) or ${clip}.`,
    divergedAt: { epoch, step },
  };
}

interface Validation extends ValidationOutputs {
  loss: number;
  accuracy?: number;
}

/** Loss (and accuracy) over the whole validation split, keeping the outputs the probes show. */
function evaluate(model: SequenceModel, dataset: Dataset): Validation {
  let lossSum = 0;
  let correct = 0;
  let counted = 0;
  const outputs: number[][] = [];
  const keepOutputs = dataset.task !== 'tokens';
  for (const indices of batchIndices(dataset.validation.count, EVALUATION_BATCH)) {
    const result = model.evaluate(gatherBatch(dataset, dataset.validation, indices));
    lossSum += result.loss * indices.length;
    correct += result.correct ?? 0;
    counted += result.counted ?? 0;
    if (keepOutputs && (dataset.task === 'classify' || outputs.length < MAX_PREDICTIONS)) {
      const width = result.outputs.length / indices.length;
      indices.forEach((_, row) => outputs.push(Array.from(result.outputs.subarray(row * width, (row + 1) * width))));
    }
  }
  return {
    loss: lossSum / dataset.validation.count,
    accuracy: counted > 0 ? correct / counted : undefined,
    outputs,
  };
}

/** Tracks the best value of the early-stopping metric. */
class EarlyStopping {
  private best = Infinity;
  private sinceBest = 0;

  constructor(private readonly settings: ExperimentSpec['training']['earlyStopping']) {}

  get metricName(): string {
    return this.settings?.metric ?? 'val_loss';
  }

  get patience(): number {
    return this.settings?.patience ?? 0;
  }

  /** The state a checkpoint keeps. */
  record(): TrainerCheckpoint['earlyStopping'] {
    return { best: Number.isFinite(this.best) ? this.best : null, sinceBest: this.sinceBest };
  }

  restore(record: TrainerCheckpoint['earlyStopping']): void {
    this.best = record.best ?? Infinity;
    this.sinceBest = record.sinceBest;
  }

  shouldStop(loss: number, accuracy: number | undefined): boolean {
    if (!this.settings) {
      return false;
    }
    // Lower is better for both: accuracy is negated.
    const value = this.settings.metric === 'val_accuracy' ? -(accuracy ?? 0) : loss;
    if (value < this.best) {
      this.best = value;
      this.sinceBest = 0;
      return false;
    }
    this.sinceBest += 1;
    return this.sinceBest >= this.settings.patience;
  }
}

/** Lets a stop request (a message or a signal) be seen between steps. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
