/**
 * Cheap semantic checks of a spec's data (and of the files it names), for the spec validator:
 * each problem comes back with the JSON path of the spec entry to change.
 */
import { resolve } from 'node:path';
import type { DataShape } from '../resources/estimate';
import type { DataSpec, ExperimentSpec } from '../spec/types';
import { builtinSpecPath, resolveBuiltin } from './builtin';
import { DataError, type DataIssue } from './errors';
import { missingFileMessage, parseCsvTable, readCsvTable, readDataFile, readTable, userDataFile, type DataFile, type FileDataSpec } from './files';
import { fieldIssues, planLabeledTexts } from './labeledText';
import { countByte, countCharacters, countLines, dataFileSize, readDataSample, SAMPLE_BYTES } from './sample';
import { columnIssues, planWindows, readSeriesColumns } from './series';
import { splitCounts, type SplitCounts } from './split';
import { planText, planTextCounts } from './text';
import { codePoints } from './vocabulary';

export type { DataIssue } from './errors';

export interface CheckContext {
  specDir: string;
  resourcesDir: string;
  /** False: a file the spec names is only checked to exist (Restricted Mode), so no message shows its content. */
  readDataFiles?: boolean;
}

/** The shape of the data apart from its split. */
type Layout = Omit<DataShape, 'train' | 'validation'>;

/** What the data would split into and its shape, or why it cannot load. */
type DataPlan = { counts: SplitCounts; layout: Layout } | { issues: DataIssue[] };

export interface DataCheck {
  issues: DataIssue[];
  /** Present when the data loads. */
  shape?: DataShape;
}

export function checkData(spec: ExperimentSpec, context: CheckContext): DataCheck {
  const plan = planData(spec.data, context);
  const issues = 'issues' in plan ? plan.issues : batchIssues(plan.counts, spec.training.batchSize);
  const shape = 'issues' in plan ? undefined : { train: plan.counts.train, validation: plan.counts.validation, ...plan.layout };
  return { issues: [...issues, ...initIssues(spec.model.init, context.specDir)], shape };
}

/** Generated data: its shape follows from the spec alone. */
function syntheticLayout(data: DataSpec & { type: 'sine' | 'adding' | 'copy' }): Layout {
  const none = { loadingBytes: 0 };
  switch (data.type) {
    case 'sine':
      return { seqLength: data.seqLength, inputSize: 1, tokens: false, task: 'forecast', outputSize: data.horizon, ...none };
    case 'adding':
      return { seqLength: data.seqLength, inputSize: 2, tokens: false, task: 'forecast', outputSize: 1, ...none };
    case 'copy':
      return { seqLength: data.delay + 2 * data.length, inputSize: data.symbols + 2, tokens: true, task: 'tokens', outputSize: data.symbols + 2, ...none };
  }
}

/** Bytes a loader holds per byte of the file: the text as UTF-16, and for tables every cell as a string. */
const TEXT_LOADING_FACTOR = 12;
const TABLE_LOADING_FACTOR = 24;
/** The vocabulary assumed for a sampled JSON file of labelled texts: bytes. */
const SAMPLED_JSON_VOCABULARY = 256;

function planData(data: DataSpec, context: CheckContext): DataPlan {
  switch (data.type) {
    case 'sine':
    case 'adding':
    case 'copy':
      return catchDataErrors(() => ({ counts: splitCounts(data.samples, data.validationSplit, 'samples'), layout: syntheticLayout(data) }));
    case 'csv':
    case 'text':
    case 'labeled-text': {
      const file = userDataFile(data.path, context.specDir);
      if (context.readDataFiles === false) {
        const missing = missingFileMessage(file.absolute, file.written);
        return { issues: missing ? [{ path: file.specPath, message: missing }] : [] };
      }
      return planFileData(data, file);
    }
    case 'builtin': {
      const builtin = resolveBuiltin(data, context.resourcesDir);
      const plan = planFileData(builtin.data, builtin.file);
      if ('counts' in plan) return plan;
      return { issues: plan.issues.map((issue) => ({ ...issue, path: builtinSpecPath(issue.path) })) };
    }
  }
}

/**
 * Reads and validates the file as its loader would, without building the arrays. A file larger
 * than `SAMPLE_BYTES` is checked on its first part and its rows or characters are counted as the
 * bytes stream by: the loader checks the rest when the run starts.
 */
function planFileData(data: FileDataSpec, file: DataFile): DataPlan {
  return catchDataErrors((): DataPlan => {
    const bytes = dataFileSize(file);
    const sample = bytes <= SAMPLE_BYTES ? undefined : readDataSample(file);
    const loading = (factor: number) => bytes * factor;
    switch (data.type) {
      case 'csv': {
        const table = sample ? parseCsvTable(sample.text, file) : readCsvTable(file);
        const issues = columnIssues(table, data, file);
        if (issues.length > 0) return { issues };
        const columns = readSeriesColumns(table, data, file);
        // The header is a line too.
        const rows = sample ? countLines(file) - 1 : columns.rows;
        const layout: Layout = {
          seqLength: data.window,
          inputSize: columns.names.length,
          tokens: false,
          task: 'forecast',
          outputSize: data.horizon,
          loadingBytes: loading(TABLE_LOADING_FACTOR),
        };
        return { counts: planWindows(rows, data), layout };
      }
      case 'text': {
        const plan = sample ? planTextCounts(countCharacters(file), new Set(codePoints(sample.text)).size, data) : planText(readDataFile(file), data);
        const layout: Layout = {
          seqLength: data.seqLength,
          inputSize: plan.vocabularySize,
          tokens: true,
          task: 'tokens',
          outputSize: plan.vocabularySize,
          loadingBytes: loading(TEXT_LOADING_FACTOR),
        };
        return { counts: plan, layout };
      }
      case 'labeled-text': {
        const json = file.absolute.toLowerCase().endsWith('.json');
        let counts: SplitCounts;
        let vocabularySize = SAMPLED_JSON_VOCABULARY;
        let classes = 2;
        if (sample && json) {
          // A part of a JSON array does not parse: its records are counted by their braces, the rest waits for the run.
          counts = splitCounts(countByte(file, 0x7b), data.validationSplit, 'texts');
        } else {
          const table = sample ? parseCsvTable(sample.text, file) : readTable(file);
          const issues = fieldIssues(table, data, file);
          if (issues.length > 0) return { issues };
          const plan = planLabeledTexts(table, data, file, sample !== undefined);
          counts = sample ? splitCounts(countLines(file) - 1, data.validationSplit, 'texts') : plan.counts;
          vocabularySize = plan.vocabularySize;
          classes = Math.max(2, plan.classes.length);
        }
        const layout: Layout = {
          seqLength: data.maxLength,
          // Padding, then the distinct characters.
          inputSize: 1 + vocabularySize,
          tokens: true,
          task: 'classify',
          outputSize: classes,
          loadingBytes: loading(TABLE_LOADING_FACTOR),
        };
        return { counts, layout };
      }
    }
  });
}

function catchDataErrors(plan: () => DataPlan): DataPlan {
  try {
    return plan();
  } catch (error) {
    if (error instanceof DataError) return { issues: [{ path: error.path, message: error.message }] };
    throw error;
  }
}

function batchIssues(counts: SplitCounts, batchSize: number): DataIssue[] {
  if (counts.train >= batchSize) return [];
  return [
    {
      path: ['training', 'batchSize'],
      message:
        `Only ${counts.train} training ${counts.noun} after the validation split (${counts.validation} held out), ` +
        `fewer than batchSize ${batchSize}: lower training.batchSize to at most ${counts.train}, or use more data.`,
    },
  ];
}

function initIssues(init: string, specDir: string): DataIssue[] {
  if (init === 'default' || init === 'identity') return [];
  const missing = missingFileMessage(resolve(specDir, init), init, 'Weights file');
  return missing ? [{ path: ['model', 'init'], message: missing }] : [];
}
