/**
 * The training doctor: follows a run's events and, at its start (the spec's own checks), at
 * each epoch's end and probe, and at its end, says what stands out and what to change. Pure:
 * the same events give the same findings, live or replayed from a run folder.
 */
import type { EndEvent, FindingEvent, TrainEvent } from '../events';
import type { ExperimentSpec } from '../spec/types';
import { deadUnits, saturatedGates, vanishingGradients } from './probeRules';
import { RunSignals } from './signals';
import { dropoutWithoutLayers, earlyStoppingNeverFires, reluWithoutClipping } from './specRules';
import { diverged, explodingGradients, learningRateTooHigh, learningRateTooLow, noBetterThanBaseline, overfitting, type RuleMoment } from './trainingRules';
import type { Finding, FindingCode } from './types';

type SpecRule = (spec: ExperimentSpec) => Finding | undefined;
type RunRule = (signals: RunSignals, moment: RuleMoment) => Finding | undefined;

const SPEC_RULES: SpecRule[] = [dropoutWithoutLayers, earlyStoppingNeverFires, reluWithoutClipping];
const RUN_RULES: RunRule[] = [
  diverged,
  explodingGradients,
  vanishingGradients,
  learningRateTooHigh,
  learningRateTooLow,
  saturatedGates,
  deadUnits,
  overfitting,
  noBetterThanBaseline,
];

/** A symptom is left out when one of its causes is found: the cause is what to fix. */
const EXPLAINED_BY: Partial<Record<FindingCode, FindingCode[]>> = {
  'no-better-than-baseline': ['vanishing-gradients', 'learning-rate-too-low', 'learning-rate-too-high', 'dead-units', 'saturated-gates'],
  'learning-rate-too-high': ['exploding-gradients'],
  'saturated-gates': ['exploding-gradients'],
  'dead-units': ['exploding-gradients'],
  // Dead, saturated or wildly updated units pass no gradient back: the decay is their consequence.
  'vanishing-gradients': ['exploding-gradients', 'dead-units', 'saturated-gates', 'learning-rate-too-high', 'learning-rate-too-low'],
};

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/** Every finding of a run as far as its signals go; `final` once the run has ended. */
export function diagnose(signals: RunSignals, final: boolean): Finding[] {
  const spec = SPEC_RULES.map((rule) => rule(signals.spec)).filter((f) => f !== undefined);
  const run = RUN_RULES.map((rule) => rule(signals, { final })).filter((f) => f !== undefined);
  // Once a run has diverged, everything else it shows is a consequence.
  const divergence = run.find((f) => f.code === 'diverged');
  const kept = divergence ? [divergence] : run.filter((f) => !EXPLAINED_BY[f.code]?.some((cause) => run.some((other) => other.code === cause)));
  return [...kept, ...spec].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** Follows one run; `observe` answers a finding event whenever the standing list changes. */
export class Doctor {
  private readonly signals: RunSignals;
  private standing: Finding[] = [];
  private standingKey = '[]';

  constructor(spec: ExperimentSpec) {
    this.signals = new RunSignals(spec);
  }

  get findings(): Finding[] {
    return this.standing;
  }

  /** Feeds an event; at a start, epoch or probe, the new findings when they changed. */
  observe(event: TrainEvent): FindingEvent | undefined {
    if (event.type === 'end') {
      return this.finish(event);
    }
    this.signals.observe(event);
    // Once per epoch: after its probe when one follows it, else at its end.
    const judge = event.type === 'start' || event.type === 'probe' || (event.type === 'epoch' && !this.probeFollows(event.epoch));
    return judge ? this.update(diagnose(this.signals, this.signals.lastEpoch >= this.signals.plannedEpochs)) : undefined;
  }

  /** Whether the trainer records a probe after this epoch (see `probe.everyEpochs`). */
  private probeFollows(epoch: number): boolean {
    const { samples, everyEpochs } = this.signals.spec.probe;
    return samples > 0 && (epoch % everyEpochs === 0 || epoch === this.signals.plannedEpochs);
  }

  /** The end: the last judgement, with the whole run in view; to be recorded before the end event. */
  finish(end?: EndEvent): FindingEvent | undefined {
    if (end) this.signals.observe(end);
    return this.update(diagnose(this.signals, true));
  }

  private update(findings: Finding[]): FindingEvent | undefined {
    const key = JSON.stringify(findings.map(({ code, severity, epoch, message }) => [code, severity, epoch, message]));
    if (key === this.standingKey) {
      return undefined;
    }
    this.standing = findings;
    this.standingKey = key;
    return { type: 'finding', epoch: this.signals.lastEpoch, findings };
  }
}
