/**
 * Cheap semantic checks of a spec's data (and of the files it names), for the spec validator:
 * each problem comes back with the JSON path of the spec entry to change.
 */
import { resolve } from 'node:path';
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
  /** False: a file the spec names is only checked to exist (Restricted Mode), so no message shows its content. */
  readDataFiles?: boolean;
}

/** What the data would split into, or why it cannot load. */
type DataPlan = { counts: SplitCounts } | { issues: DataIssue[] };

export function checkData(spec: ExperimentSpec, context: CheckContext): DataIssue[] {
  const plan = planData(spec.data, context);
  const issues = 'issues' in plan ? plan.issues : batchIssues(plan.counts, spec.training.batchSize);
  return [...issues, ...initIssues(spec.model.init, context.specDir)];
}

function planData(data: DataSpec, context: CheckContext): DataPlan {
  switch (data.type) {
    case 'sine':
    case 'adding':
    case 'copy':
      return catchDataErrors(() => ({ counts: splitCounts(data.samples, data.validationSplit, 'samples') }));
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

/** Reads and validates the file as its loader would, without building the arrays. */
function planFileData(data: FileDataSpec, file: DataFile): DataPlan {
  return catchDataErrors((): DataPlan => {
    switch (data.type) {
      case 'csv': {
        const table = readCsvTable(file);
        const issues = columnIssues(table, data, file);
        if (issues.length > 0) return { issues };
        return { counts: planWindows(readSeriesColumns(table, data, file).rows, data) };
      }
      case 'text':
        return { counts: planText(readDataFile(file), data) };
      case 'labeled-text': {
        const table = readTable(file);
        const issues = fieldIssues(table, data, file);
        if (issues.length > 0) return { issues };
        return { counts: planLabeledTexts(table, data, file).counts };
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
