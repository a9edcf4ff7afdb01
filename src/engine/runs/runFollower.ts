/**
 * The one follower of a run: it folds the run's training events (and, in the editor, the queue's
 * own transitions: started, asked to stop, cancelled, abandoned) into one `RunState`. The run
 * writer's summary, the editor's live run, the inline charts, the panel and the CLI all read that
 * state instead of keeping their own tallies, so they agree on status, epochs and steps/s.
 * No I/O and no clock.
 */
import type { EpochEvent, ProbeEvent, StartEvent, TrainEvent } from '../events';
import { isActiveStatus, type RunStatus } from './runStatus';

/** A finished epoch, with the global step it ended at. */
export interface FollowedEpoch extends EpochEvent {
  step: number;
}

/** Everything known about a run from its events so far. */
export interface RunState {
  status: RunStatus;
  /** Why the run stopped, failed, was cancelled or abandoned. */
  reason?: string;
  divergedAt?: { epoch: number; step: number };
  /** The start event, once training began. */
  start?: StartEvent;
  /** The start event's epoch count; 0 before it. */
  epochsPlanned: number;
  stepsPerEpoch: number;
  /** The epoch of the newest step, from 1; 0 before the first step. */
  epoch: number;
  /** The newest global step, from 1; 0 before the first. */
  step: number;
  /** The newest step's training loss. */
  loss?: number;
  /** The newest finished epoch; 0 before the first. */
  epochsDone: number;
  /** Every finished epoch, oldest first. */
  finishedEpochs: readonly FollowedEpoch[];
  lastTrainLoss?: number;
  lastValidationLoss?: number;
  lastValidationAccuracy?: number;
  bestValidationLoss?: number;
  /** The epoch of `bestValidationLoss`. */
  bestEpoch?: number;
  bestValidationAccuracy?: number;
  /**
   * The run's steps per second: the median of the step rates over the whole run, the one
   * definition every view shows (`formatStepsPerSecond`). Undefined before the first rate.
   */
  stepsPerSecond?: number;
  /** The newest probe (probes are big: older ones are read back from the run folder). */
  latestProbe?: ProbeEvent;
  /** The epochs that have a probe, ascending. */
  probeEpochs: readonly number[];
  /** The end event's time (milliseconds since the epoch), once the run ended. */
  endedAt?: number;
  /** Counts the changes to this state: a cheap version for caches. */
  revision: number;
}

/** Step rates kept for the median; beyond this the kept ones are thinned evenly over the run. */
const MAX_RATE_SAMPLES = 2048;

/** The statuses a run can end in, whoever ends it. */
type FinalStatus = Exclude<RunStatus, 'queued' | 'running' | 'stopping'>;

export class RunFollower implements RunState {
  status: RunStatus;
  reason?: string;
  divergedAt?: { epoch: number; step: number };
  start?: StartEvent;
  epochsPlanned = 0;
  stepsPerEpoch = 0;
  epoch = 0;
  step = 0;
  loss?: number;
  epochsDone = 0;
  readonly finishedEpochs: FollowedEpoch[] = [];
  lastTrainLoss?: number;
  lastValidationLoss?: number;
  lastValidationAccuracy?: number;
  bestValidationLoss?: number;
  bestEpoch?: number;
  bestValidationAccuracy?: number;
  latestProbe?: ProbeEvent;
  readonly probeEpochs: number[] = [];
  endedAt?: number;
  revision = 0;
  private rates: number[] = [];
  private rateStride = 1;
  private stepsSinceSample = 0;
  /** Counts the rates sampled: the cached median is current while it matches. */
  private rateSamples = 0;
  private median?: { samples: number; value: number | undefined };

  /** `queued` for a run of the editor's queue; a run that has a writer is `running` from the start. */
  constructor(status: RunStatus = 'running') {
    this.status = status;
  }

  get stepsPerSecond(): number | undefined {
    if (this.median?.samples !== this.rateSamples) {
      this.median = { samples: this.rateSamples, value: median(this.rates) };
    }
    return this.median.value;
  }

  /** Folds one training event in. */
  add(event: TrainEvent): void {
    if (event.type !== 'log') this.revision += 1;
    switch (event.type) {
      case 'start':
        this.start = event;
        this.epochsPlanned = event.epochs;
        this.stepsPerEpoch = event.stepsPerEpoch;
        if (this.status === 'queued') this.status = 'running';
        break;
      case 'step':
        this.epoch = event.epoch;
        this.step = Math.max(this.step, event.step);
        this.loss = event.loss;
        this.sampleRate(event.stepsPerSecond);
        break;
      case 'epoch':
        this.addEpoch(event);
        break;
      case 'probe':
        this.latestProbe = event;
        if (!this.probeEpochs.includes(event.epoch)) this.probeEpochs.push(event.epoch);
        break;
      case 'end':
        this.status = event.status;
        this.reason = event.reason;
        this.divergedAt = event.divergedAt;
        this.endedAt = event.time;
        break;
      case 'log':
        break;
    }
  }

  /** The editor's queue started the run, or asked it to stop; nothing changes once it is over. */
  setActive(status: 'running' | 'stopping'): void {
    if (isActiveStatus(this.status)) {
      this.status = status;
      this.revision += 1;
    }
  }

  /** Ends a run that no end event ended (cancelled in the queue, or its worker died); false when it was over already. */
  finish(status: FinalStatus, reason: string | undefined): boolean {
    if (!isActiveStatus(this.status)) return false;
    this.status = status;
    this.reason = reason;
    this.revision += 1;
    return true;
  }

  private addEpoch(event: EpochEvent): void {
    this.finishedEpochs.push({ ...event, step: this.step });
    this.epochsDone = Math.max(this.epochsDone, event.epoch);
    if (Number.isFinite(event.trainLoss)) this.lastTrainLoss = event.trainLoss;
    if (Number.isFinite(event.validationLoss)) {
      this.lastValidationLoss = event.validationLoss;
      if (this.bestValidationLoss === undefined || event.validationLoss < this.bestValidationLoss) {
        this.bestValidationLoss = event.validationLoss;
        this.bestEpoch = event.epoch;
      }
    }
    if (event.validationAccuracy !== undefined) {
      this.lastValidationAccuracy = event.validationAccuracy;
      this.bestValidationAccuracy = Math.max(this.bestValidationAccuracy ?? -Infinity, event.validationAccuracy);
    }
  }

  private sampleRate(rate: number): void {
    if (!(Number.isFinite(rate) && rate > 0) || ++this.stepsSinceSample < this.rateStride) {
      return;
    }
    this.stepsSinceSample = 0;
    this.rateSamples += 1;
    this.rates.push(rate);
    if (this.rates.length >= MAX_RATE_SAMPLES) {
      this.rates = this.rates.filter((_, i) => i % 2 === 0);
      this.rateStride *= 2;
    }
  }
}

/** The state of a whole recorded event stream. */
export function followEvents(events: Iterable<TrainEvent>, status: RunStatus = 'running'): RunFollower {
  const follower = new RunFollower(status);
  for (const event of events) follower.add(event);
  return follower;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) {
    return undefined;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
