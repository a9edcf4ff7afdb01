/**
 * The learning rate of each epoch under `training.schedule`, with PyTorch's rules and timing: the
 * scheduler steps once after every epoch, so epoch e (from 1) runs at the rate after e - 1 steps.
 *
 * - `step`: StepLR(step_size=stepSize, gamma).
 * - `cosine`: CosineAnnealingLR(T_max=epochs, eta_min=minLearningRate); with W = warmupEpochs > 0,
 *   SequentialLR([LinearLR(start_factor=1/(W+1), end_factor=1, total_iters=W),
 *   CosineAnnealingLR(T_max=max(1, epochs - W), eta_min)], milestones=[W]): the warm-up's epochs run
 *   at lr·1/(W+1) … lr·W/(W+1), and the cosine starts at lr.
 * - `plateau`: ReduceLROnPlateau(mode='min', factor, patience, threshold=1e-4 relative, cooldown=0,
 *   min_lr=0) on the validation loss; its best loss and bad epochs go into checkpoints.
 */
import type { CosineSchedule, TrainingSpec } from '../spec/types';

/** What a checkpoint keeps of a schedule: the rate of the next epoch and plateau's counters. */
export interface ScheduleRecord {
  learningRate: number;
  /** The best validation loss so far (null before any). */
  best: number | null;
  badEpochs: number;
}

/** ReduceLROnPlateau's relative threshold and the smallest change it applies (its eps). */
const PLATEAU_THRESHOLD = 1e-4;
const PLATEAU_EPS = 1e-8;

type ScheduledTraining = Pick<TrainingSpec, 'learningRate' | 'schedule' | 'epochs'>;

/** The learning rate after `steps` scheduler steps of a step or cosine schedule (no schedule: constant). */
export function rateAfterSteps(training: ScheduledTraining, steps: number): number {
  const { learningRate, schedule } = training;
  if (schedule?.type === 'step') return learningRate * schedule.gamma ** Math.floor(steps / schedule.stepSize);
  if (schedule?.type === 'cosine') return cosineRate(learningRate, schedule, training.epochs, steps);
  return learningRate;
}

function cosineRate(learningRate: number, schedule: CosineSchedule, epochs: number, steps: number): number {
  const warmup = schedule.warmupEpochs;
  if (steps < warmup) return (learningRate * (1 + steps)) / (warmup + 1);
  const period = warmup > 0 ? Math.max(1, epochs - warmup) : epochs;
  const t = steps - warmup;
  const eta = schedule.minLearningRate;
  return eta + ((learningRate - eta) * (1 + Math.cos((Math.PI * t) / period))) / 2;
}

/** The rate each epoch runs at; `endEpoch` steps it after every epoch with the epoch's validation loss. */
export class LearningRateSchedule {
  private steps = 0;
  private rate: number;
  private best = Infinity;
  private badEpochs = 0;

  constructor(private readonly training: ScheduledTraining) {
    this.rate = rateAfterSteps(training, 0);
  }

  /** The rate of the next epoch's steps. */
  get learningRate(): number {
    return this.rate;
  }

  endEpoch(validationLoss: number): void {
    this.steps += 1;
    const schedule = this.training.schedule;
    if (schedule?.type !== 'plateau') {
      this.rate = rateAfterSteps(this.training, this.steps);
      return;
    }
    if (validationLoss < this.best * (1 - PLATEAU_THRESHOLD)) {
      this.best = validationLoss;
      this.badEpochs = 0;
    } else {
      this.badEpochs += 1;
    }
    if (this.badEpochs > schedule.patience) {
      const reduced = this.rate * schedule.factor;
      if (this.rate - reduced > PLATEAU_EPS) this.rate = reduced;
      this.badEpochs = 0;
    }
  }

  record(): ScheduleRecord {
    return { learningRate: this.rate, best: Number.isFinite(this.best) ? this.best : null, badEpochs: this.badEpochs };
  }

  /** Continues after `epochsFinished` epochs; a record absent (an older checkpoint) recomputes a step or cosine schedule's rate. */
  restore(epochsFinished: number, record: ScheduleRecord | undefined): void {
    this.steps = epochsFinished;
    this.rate = record?.learningRate ?? rateAfterSteps(this.training, epochsFinished);
    this.best = record?.best ?? Infinity;
    this.badEpochs = record?.badEpochs ?? 0;
  }
}
