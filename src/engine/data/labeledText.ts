/**
 * Sequence classification of short texts from a CSV (with a header row) or JSON (array of objects)
 * file. Texts are character tokens, cut to `maxLength` (keeping the start). With `padding: "packed"`
 * each text fills the first steps and id 0 pads after it, its own length going into
 * `SequenceSplit.lengths` (an empty text counts as one step of padding, since a packed sequence,
 * like PyTorch's `pack_padded_sequence`, cannot have length 0). With `padding: "left"` texts are
 * left-padded with id 0 so that the last step always holds the last character, and there are no
 * lengths. The samples are shuffled with the seed before the split, since they are not a series.
 */
import { Random } from '../random';
import type { LabeledTextData } from '../spec/types';
import { priorCrossEntropy } from './baselines';
import { DataError, type DataIssue, type SpecPath } from './errors';
import { readTable, type DataFile, type Table } from './files';
import { allocateSplit, describeCounts, sliceSplit, splitCounts, type SplitCounts } from './split';
import type { Dataset } from './types';
import { characterVocabulary, codePoints } from './vocabulary';

export type LabeledTextSpec = Pick<LabeledTextData, 'textField' | 'labelField' | 'maxLength' | 'validationSplit' | 'padding'>;

export interface LabeledTexts {
  /** Each text as code points, already cut to maxLength. */
  texts: Int32Array[];
  /** Class id of each text. */
  labels: number[];
  /** Class id to label, sorted. */
  classes: string[];
  counts: SplitCounts;
  /** Distinct characters of the texts (padding not counted). */
  vocabularySize: number;
}

const SHUFFLE_STREAM = 1;

/** One issue per field the spec names that no row of the table has. */
export function fieldIssues(table: Table, spec: LabeledTextSpec, file: DataFile): DataIssue[] {
  const fields: [string, SpecPath][] = [
    [spec.textField, ['data', 'textField']],
    [spec.labelField, ['data', 'labelField']],
  ];
  return fields
    .filter(([name]) => !table.fields.includes(name))
    .map(([name, path]) => ({
      path,
      message: `Field "${name}" not found in "${file.written}"; available fields: ${table.fields.join(', ')}.`,
    }));
}

/**
 * The texts, class ids and split; a row without a text or label, fewer than two classes or no
 * text at all is an error. For a `sample` of the rows (the validator's), only what the sample
 * can show is checked: the rows it has, not how many classes or characters the whole file has.
 */
export function planLabeledTexts(table: Table, spec: LabeledTextSpec, file: DataFile, sample = false): LabeledTexts {
  const issues = fieldIssues(table, spec, file);
  if (issues.length > 0) throw DataError.from(issues[0]);
  const valueOf = (row: Table['rows'][number], field: string, path: SpecPath): string => {
    const value = row.values[field];
    if (value === undefined || value === null || (field === spec.labelField && value === '')) {
      throw new DataError(`"${file.written}", ${row.where} has no "${field}" value.`, path);
    }
    return String(value);
  };
  const texts = table.rows.map((row) => codePoints(valueOf(row, spec.textField, ['data', 'textField'])).subarray(0, spec.maxLength));
  const names = table.rows.map((row) => valueOf(row, spec.labelField, ['data', 'labelField']));
  const classes = [...new Set(names)].sort();
  if (classes.length < 2 && !sample) {
    const found = classes.length === 0 ? 'no class' : `one class only ("${classes[0]}")`;
    throw new DataError(`Field "${spec.labelField}" of "${file.written}" has ${found}; classification needs at least 2.`, ['data', 'labelField']);
  }
  const vocabularySize = characterVocabulary(texts, false).symbols.length;
  if (vocabularySize === 0 && !sample) {
    throw new DataError(`Every "${spec.textField}" value of "${file.written}" is empty: there is no text to classify.`, ['data', 'textField']);
  }
  const classIds = new Map(classes.map((name, id) => [name, id]));
  const counts = splitCounts(texts.length, spec.validationSplit, 'texts');
  return { texts, labels: names.map((name) => classIds.get(name)!), classes, counts, vocabularySize };
}

/** A packed text's length: its characters, at least 1 (an empty text is one step of padding). */
export function packedLength(text: Int32Array): number {
  return Math.max(text.length, 1);
}

export function loadLabeledText(spec: LabeledTextSpec, file: DataFile, seed: number): Dataset {
  const { maxLength } = spec;
  const packed = spec.padding === 'packed';
  const { texts, labels, classes, counts } = planLabeledTexts(readTable(file), spec, file);
  const vocabulary = characterVocabulary(texts, true);
  const order = new Random(seed).fork(SHUFFLE_STREAM).shuffle(texts.map((_, index) => index));
  // Zero-filled: the steps after (packed) or before (left) a text's characters are padding.
  const all = allocateSplit(texts.length, { inputs: maxLength, tokenInputs: true, labels: 1, lengths: packed });
  order.forEach((source, sample) => {
    const text = texts[source];
    const offset = packed ? sample * maxLength : (sample + 1) * maxLength - text.length;
    text.forEach((point, t) => (all.inputs[offset + t] = vocabulary.ids.get(point)!));
    all.labels![sample] = labels[source];
    if (all.lengths) all.lengths[sample] = packedLength(text);
  });
  const train = sliceSplit(all, 0, counts.train);
  const validation = sliceSplit(all, counts.train, texts.length);
  return {
    task: 'classify',
    input: { kind: 'tokens', vocabularySize: vocabulary.symbols.length },
    seqLength: maxLength,
    outputSize: classes.length,
    train,
    validation,
    baseline: { loss: priorCrossEntropy(train.labels!, validation.labels!, classes.length), label: 'class prior' },
    vocabulary: vocabulary.symbols,
    classes,
    description:
      `${file.title}: ${texts.length} texts, ${classes.length} classes, maxLength ${maxLength}${packed ? ', packed' : ', left-padded'}: ` +
      describeCounts(counts),
  };
}
