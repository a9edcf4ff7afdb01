/**
 * Character-level language modelling on a UTF-8 text: the text is cut into non-overlapping chunks
 * of seqLength + 1 characters; each chunk's first seqLength characters are the inputs and the
 * character after each input is its label. Validation is the last part of the text.
 */
import type { TextData } from '../spec/types';
import { priorCrossEntropy } from './baselines';
import { DataError } from './errors';
import { readDataFile, type DataFile } from './files';
import { allocateSplit, describeCounts, sliceSplit, splitCounts, type SplitCounts } from './split';
import type { Dataset } from './types';
import { characterVocabulary, codePoints } from './vocabulary';

export type TextSpec = Pick<TextData, 'seqLength' | 'validationSplit'>;

export interface TextPlan extends SplitCounts {
  /** The text's characters as code points. */
  characters: Int32Array;
  chunks: number;
  /** Distinct characters: the vocabulary. */
  vocabularySize: number;
}

export function planText(text: string, spec: TextSpec): TextPlan {
  const characters = codePoints(text);
  const distinct = new Set(characters);
  if (distinct.size < 2 && characters.length > spec.seqLength) {
    const only = String.fromCodePoint(characters[0]);
    throw new DataError(`The text holds one distinct character only (${JSON.stringify(only)}); a language model needs at least 2 to choose from.`, [
      'data',
      'path',
    ]);
  }
  return { characters, ...planTextCounts(characters.length, distinct.size, spec) };
}

/** How many sequences `characterCount` characters give, and their split; too few for one is an error. */
export function planTextCounts(characterCount: number, vocabularySize: number, spec: TextSpec): Omit<TextPlan, 'characters'> {
  const chunkLength = spec.seqLength + 1;
  const chunks = Math.floor(characterCount / chunkLength);
  if (chunks < 1) {
    throw new DataError(`The text has ${characterCount} characters; one sequence needs seqLength + 1 = ${chunkLength}.`, ['data', 'seqLength']);
  }
  return { chunks, vocabularySize, ...splitCounts(chunks, spec.validationSplit, 'sequences') };
}

export function loadText(spec: TextSpec, file: DataFile): Dataset {
  const { seqLength } = spec;
  const plan = planText(readDataFile(file), spec);
  const vocabulary = characterVocabulary([plan.characters], false);
  const tokens = plan.characters.map((point) => vocabulary.ids.get(point)!);
  const all = allocateSplit(plan.chunks, { inputs: seqLength, tokenInputs: true, labels: seqLength });
  for (let chunk = 0; chunk < plan.chunks; chunk++) {
    const start = chunk * (seqLength + 1);
    all.inputs.set(tokens.subarray(start, start + seqLength), chunk * seqLength);
    all.labels!.set(tokens.subarray(start + 1, start + seqLength + 1), chunk * seqLength);
  }
  const train = sliceSplit(all, 0, plan.train);
  const validation = sliceSplit(all, plan.train, plan.chunks);
  const size = vocabulary.symbols.length;
  return {
    task: 'tokens',
    input: { kind: 'tokens', vocabularySize: size },
    seqLength,
    outputSize: size,
    train,
    validation,
    baseline: { loss: priorCrossEntropy(train.labels!, validation.labels!, size), label: 'unigram frequencies' },
    vocabulary: vocabulary.symbols,
    description: `${file.title}: ${plan.characters.length} characters, ${size} distinct, sequences of ${seqLength}: ` + describeCounts(plan),
  };
}
