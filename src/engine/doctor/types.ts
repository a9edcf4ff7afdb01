/**
 * What the training doctor reports: findings about a run (why it fails, in numbers) and the
 * spec edits that would fix them. Pure types, shared by the engine, the CLI, the editor and the panel.
 */

export type FindingSeverity = 'error' | 'warning' | 'info';

/** The doctor's codes; each has a section of the README's "Training doctor" chapter. */
export const FINDING_CODES = [
  'diverged',
  'exploding-gradients',
  'vanishing-gradients',
  'no-better-than-baseline',
  'overfitting',
  'learning-rate-too-high',
  'learning-rate-too-low',
  'saturated-gates',
  'dead-units',
  'dropout-without-layers',
  'early-stopping-never-fires',
  'relu-without-clipping',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

/** One spec edit: the dotted setting and its new value. */
export interface SpecEdit {
  /** A dotted setting, e.g. `training.learningRate`. */
  path: string;
  value: unknown;
}

/** A fix: an edit (and any it needs alongside) with a label for a button or a Quick Fix. */
export interface FindingFix extends SpecEdit {
  label: string;
  /** Edits applied together with this one (e.g. `model.layers` 2 with `model.dropout`). */
  with?: SpecEdit[];
}

/** The figures that triggered a finding: numbers, short series, or a word. */
export type Evidence = Record<string, number | string | number[] | null>;

export interface Finding {
  code: FindingCode;
  severity: FindingSeverity;
  /** The epoch the evidence is from; 0 for checks of the spec itself. */
  epoch: number;
  /** One sentence, with its numbers. */
  message: string;
  evidence: Evidence;
  fixes: FindingFix[];
  /** The spec setting the finding is about (where the editor puts it), dotted. */
  path: string;
}
