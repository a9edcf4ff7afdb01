/**
 * Problems with the model's options that depend on each other or on the data: an LSTM
 * projection (`projSize`) on another cell or not smaller than the hidden state, and a
 * bidirectional character language model. Each is checked on every run of the sweep and placed
 * at the sweep key that brings it, else at the setting.
 */
import { isLanguageModel } from './dataKinds';
import type { SpecIssue } from './diagnostics';
import type { ExperimentSpec } from './types';

interface ModelRule {
  severity: SpecIssue['severity'];
  /** The setting the issue is placed at. */
  key: string;
  /** Every setting the rule reads, in the order their sweep keys are preferred for placing it. */
  keys: string[];
  /** The problem with a run, or undefined when there is none. */
  problem: (spec: ExperimentSpec) => string | undefined;
}

const MODEL_RULES: ModelRule[] = [
  {
    severity: 'error',
    key: 'model.projSize',
    keys: ['model.projSize', 'model.cell'],
    problem: ({ model }) =>
      model.projSize > 0 && model.cell !== 'lstm'
        ? `model.projSize needs the "lstm" cell (PyTorch's proj_size is an LSTM option), not "${model.cell}"`
        : undefined,
  },
  {
    severity: 'error',
    key: 'model.projSize',
    keys: ['model.projSize', 'model.hiddenSize'],
    problem: ({ model }) =>
      model.projSize > 0 && model.projSize >= model.hiddenSize
        ? `model.projSize ${model.projSize} must be smaller than model.hiddenSize ${model.hiddenSize} (PyTorch requires proj_size < hidden_size)`
        : undefined,
  },
  {
    severity: 'warning',
    key: 'model.bidirectional',
    keys: ['model.bidirectional', 'data.type', 'data.name'],
    problem: (spec) =>
      spec.model.bidirectional && isLanguageModel(spec)
        ? 'a bidirectional character language model: the reverse direction reads the characters it is asked to predict, so its loss says nothing about predicting text'
        : undefined,
  },
];

/** One issue per rule that some run breaks, for the first run that breaks it. */
export function modelIssues(spec: ExperimentSpec, runs: ExperimentSpec[]): SpecIssue[] {
  return MODEL_RULES.flatMap(({ severity, key, keys, problem }): SpecIssue[] => {
    const message = runs.map(problem).find((found) => found !== undefined);
    if (message === undefined) return [];
    const swept = keys.find((candidate) => spec.sweep !== undefined && candidate in spec.sweep);
    if (swept === undefined) return [{ severity, message, path: key.split('.'), at: 'value' }];
    return [{ severity, message: `in the sweep over ${swept}: ${message}`, path: ['sweep', swept], at: 'key' }];
  });
}
