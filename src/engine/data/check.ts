/**
 * Cheap semantic checks of a spec's data (and of the files it names), for the spec validator:
 * each problem comes back with the JSON path of the spec entry to change.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DataShape } from '../resources/estimate';
import type { DataSpec, ExperimentSpec } from '../spec/types';
import { builtinSpecPath, resolveBuiltin } from './builtin';
import { DataError, type DataIssue } from './errors';
import {
  missingFileMessage,
  readCsvTable,
  readDataFile,
  readTable,
  userDataFile,
  type DataFile,
  type FileDataSpec,
} from './files';
import { fieldIssues, planLabeledTexts } from './labeledText';
import { columnIssues, planWindows, readSeriesColumns } from './series';
import { splitCounts, type SplitCounts } from './split';
import { planText } from './text';

export type { DataIssue } from './errors';

export interface CheckContext {
  specDir: string;
  resourcesDir: string;
  /**
   * Read every byte of the data files, as a run does before it starts. Without it (the
   * validator) a large file is checked on a bounded prefix and its rows or characters counted.
   */
  complete?: boolean;
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

/** A file's size, or 0 when it cannot be read (its check says why). */
function fileBytes(file: DataFile): number {
  try {
    return statSync(file.absolute).size;
  } catch {
    return 0;
  }
}

/** Bytes a loader holds per byte of the file: the text as UTF-16, and for tables every cell as a string. */
const TEXT_LOADING_FACTOR = 12;
const TABLE_LOADING_FACTOR = 24;

function planData(data: DataSpec, context: CheckContext): DataPlan {
  switch (data.type) {
    case 'sine':
    case 'adding':
    case 'copy':
      return catchDataErrors(() => ({ counts: splitCounts(data.samples, data.validationSplit, 'samples'), layout: syntheticLayout(data) }));
    case 'csv':
    case 'text':
    case 'labeled-text':
      return planFileData(data, userDataFile(data.path, context.specDir));
    case 'builtin': {
      const builtin = resolveBuiltin(data, context.resourcesDir);
      const plan = planFileData(builtin.data, builtin.file);
      if ('counts' in plan) return plan;
      return { issues: plan.issues.map((issue) => ({ ...issue, path: builtinSpecPath(issue.path) })) };
    }
  }
}

/** Reads and validates the file as its loader would, without building the arrays. */
function planFileData(data: FileDataSpec, file: DataFile): DataPlan {
  return catchDataErrors((): DataPlan => {
    switch (data.type) {
      case 'csv': {
        const table = readCsvTable(file);
        const issues = columnIssues(table, data, file);
        if (issues.length > 0) return { issues };
        const columns = readSeriesColumns(table, data, file);
        const layout: Layout = {
          seqLength: data.window,
          inputSize: columns.names.length,
          tokens: false,
          task: 'forecast',
          outputSize: data.horizon,
          loadingBytes: fileBytes(file) * TABLE_LOADING_FACTOR,
        };
        return { counts: planWindows(columns.rows, data), layout };
      }
      case 'text': {
        const plan = planText(readDataFile(file), data);
        const layout: Layout = {
          seqLength: data.seqLength,
          inputSize: plan.vocabularySize,
          tokens: true,
          task: 'tokens',
          outputSize: plan.vocabularySize,
          loadingBytes: fileBytes(file) * TEXT_LOADING_FACTOR,
        };
        return { counts: plan, layout };
      }
      case 'labeled-text': {
        const table = readTable(file);
        const issues = fieldIssues(table, data, file);
        if (issues.length > 0) return { issues };
        const plan = planLabeledTexts(table, data, file);
        const layout: Layout = {
          seqLength: data.maxLength,
          // Padding, then the distinct characters.
          inputSize: 1 + plan.vocabularySize,
          tokens: true,
          task: 'classify',
          outputSize: plan.classes.length,
          loadingBytes: fileBytes(file) * TABLE_LOADING_FACTOR,
        };
        return { counts: plan.counts, layout };
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
