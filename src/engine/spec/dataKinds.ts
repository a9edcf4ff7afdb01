/** What kind of sequences a data spec gives, for checks and estimates that depend on it. */
import type { DataSpec, ExperimentSpec } from './types';

/** Next-character prediction: a text, or the built-in novel. */
export function isLanguageModel(spec: ExperimentSpec): boolean {
  return spec.data.type === 'text' || (spec.data.type === 'builtin' && spec.data.name === 'moby-dick');
}

/** Labelled texts of different lengths (a labelled-text file, or the built-in sentences): what `data.padding` applies to. */
export function hasLabeledTexts(data: DataSpec): boolean {
  return data.type === 'labeled-text' || (data.type === 'builtin' && data.name === 'sentiment');
}

/** Labelled texts packed to their own lengths: the data carries one length per sample. */
export function hasPackedTexts(data: DataSpec): boolean {
  return hasLabeledTexts(data) && 'padding' in data && data.padding === 'packed';
}
