/** Warnings for settings that are set but have no effect in any run of the spec. */
import { isDeepStrictEqual } from 'node:util';
import { hasLabeledTexts } from './dataKinds';
import type { SpecIssue } from './diagnostics';
import { settingSchema } from './schema';
import { getDotted } from './sweep';
import type { ExperimentSpec } from './types';

/** A setting that only some configurations use. */
interface ConditionalSetting {
  key: string;
  usedBy: (spec: ExperimentSpec) => boolean;
  reason: string;
}

const CONDITIONAL_SETTINGS: ConditionalSetting[] = [
  { key: 'model.nonlinearity', usedBy: (spec) => spec.model.cell === 'rnn', reason: 'only the "rnn" cell uses it' },
  { key: 'model.dropout', usedBy: (spec) => spec.model.layers > 1, reason: 'dropout acts between stacked layers, and there is one layer' },
  {
    key: 'data.padding',
    usedBy: ({ data }) => hasLabeledTexts(data),
    reason: 'only labelled texts (and the built-in sentiment) have texts of different lengths',
  },
  {
    key: 'training.momentum',
    usedBy: (spec) => spec.training.optimizer === 'sgd' || spec.training.optimizer === 'rmsprop',
    reason: 'only the sgd and rmsprop optimizers use it',
  },
];

/**
 * A warning for each conditional setting that some run sets to other than its default
 * while no run uses it; placed at the sweep key when swept, else at the setting's value.
 */
export function ignoredSettingIssues(spec: ExperimentSpec, runs: ExperimentSpec[]): SpecIssue[] {
  return CONDITIONAL_SETTINGS.filter(({ key, usedBy }) => {
    const fallback = settingSchema(spec, key)?.default;
    return runs.some((run) => !isDeepStrictEqual(getDotted(run, key), fallback)) && !runs.some(usedBy);
  }).map(({ key, reason }): SpecIssue => {
    const swept = spec.sweep !== undefined && key in spec.sweep;
    return {
      severity: 'warning',
      message: `${key} has no effect: ${reason}`,
      path: swept ? ['sweep', key] : key.split('.'),
      at: swept ? 'key' : 'value',
    };
  });
}
