/**
 * What the training loop needs to continue a run exactly where an epoch ended: the weights,
 * the engine's optimizer and dropout state, the shuffler, the step count, the clock and the
 * early-stopping record. A resumed run's losses equal those of a run never interrupted.
 */
import type { StateDict, TrainingState } from '../model/types';
import type { ScheduleRecord } from './schedule';

export interface TrainerCheckpoint {
  /** Epochs finished (0: before the first). */
  epoch: number;
  /** Global steps taken. */
  step: number;
  /** Training time up to this point, which the epoch events' `elapsedMs` continue from. */
  elapsedMs: number;
  weights: StateDict;
  training: TrainingState;
  /** The minibatch shuffler's state (`Random.saveState`). */
  shuffler: number;
  /** The best early-stopping value so far (null before any) and the epochs since it. */
  earlyStopping: { best: number | null; sinceBest: number };
  /** The learning-rate schedule's rate and plateau counters (absent in checkpoints written before schedules). */
  schedule?: ScheduleRecord;
}
