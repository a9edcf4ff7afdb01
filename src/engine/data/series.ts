/**
 * Forecasting windows cut from the numeric columns of a CSV table.
 *
 * Window s reads rows [s, s + window) and predicts the target column at rows
 * [s + window, s + window + horizon). The split is by time: validation windows are the last
 * `validationSplit` of all windows; training windows are the earlier ones whose targets all lie
 * before the first validation target row (`cut`), so the horizon − 1 windows that straddle the cut
 * are left out and no validation target is ever seen in training. Every column is standardised
 * with the mean and standard deviation of rows [0, cut), the rows training can see.
 */
import type { CsvData } from '../spec/types';
import { repeatedPredictionMse } from './baselines';
import { DataError, type DataIssue, type SpecPath } from './errors';
import { readCsvTable, type DataFile, type Table } from './files';
import { allocateSplit, describeCounts, requireBothParts, sliceSplit, type SplitCounts } from './split';
import type { Dataset } from './types';

/** The settings a series needs; a built-in series supplies the same fields. */
export type SeriesSpec = Pick<CsvData, 'columns' | 'target' | 'window' | 'horizon' | 'validationSplit'>;

/** The parsed input and target columns. */
export interface SeriesColumns {
  names: string[];
  inputs: Float64Array[];
  target: Float64Array;
  rows: number;
}

export interface WindowPlan extends SplitCounts {
  /** All windows the rows allow, including the ones left out at the cut. */
  windows: number;
  /** The first row of the validation part: training windows and the scaling use rows before it. */
  cut: number;
}

/** One issue per column the spec names that the table does not have. */
export function columnIssues(table: Table, spec: Pick<SeriesSpec, 'columns' | 'target'>, file: DataFile): DataIssue[] {
  const known = new Set(table.fields);
  const missing = (name: string, path: SpecPath): DataIssue => ({
    path,
    message: `Column "${name}" not found in "${file.written}"; available columns: ${table.fields.join(', ')}.`,
  });
  const issues = spec.columns.flatMap((name, index) => (known.has(name) ? [] : [missing(name, ['data', 'columns', index])]));
  if (!known.has(spec.target)) issues.push(missing(spec.target, ['data', 'target']));
  return issues;
}

const cellText = (cell: unknown) => String(cell ?? '').trim();

/** A decimal number as a CSV writes it: `-1.5`, `.5`, `2e-3`; not `0x10`, `Infinity` or `1_000`. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A cell as a finite number, or undefined when it is empty or not a number. */
function numberIn(cell: unknown): number | undefined {
  const text = cellText(cell);
  const value = DECIMAL.test(text) ? Number(text) : NaN;
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Whether a column is numeric: most of its non-empty cells are numbers. A column of text (dates,
 * names) is not, and is left out; a numeric column with a stray cell is an error that names it,
 * rather than a column silently dropped.
 */
function isNumericColumn(table: Table, name: string, file: DataFile): boolean {
  const rows = table.rows.filter((row) => cellText(row.values[name]) !== '');
  const numbers = rows.filter((row) => numberIn(row.values[name]) !== undefined).length;
  if (numbers === 0 || numbers * 2 <= rows.length) return false;
  const stray = rows.findIndex((row) => numberIn(row.values[name]) === undefined);
  if (stray !== -1) {
    const row = rows[stray];
    throw new DataError(
      `"${file.written}", row ${table.rows.indexOf(row) + 1} (${row.where}), column "${name}" is "${cellText(row.values[name])}", not a number ` +
        `(the column's other ${numbers} cells are numbers): fix the cell, or list the input columns in data.columns.`,
      ['data', 'columns'],
    );
  }
  return true;
}

/** Reads the input and target columns as numbers; a missing or non-numeric cell is an error. */
export function readSeriesColumns(table: Table, spec: SeriesSpec, file: DataFile): SeriesColumns {
  const issues = columnIssues(table, spec, file);
  if (issues.length > 0) throw DataError.from(issues[0]);
  const names = spec.columns.length > 0 ? spec.columns : table.fields.filter((name) => isNumericColumn(table, name, file));
  if (names.length === 0) {
    throw new DataError(`"${file.written}" has no numeric column to use as input.`, ['data', 'columns']);
  }
  const specPathOf = (name: string): SpecPath => {
    const index = spec.columns.indexOf(name);
    return index >= 0 ? ['data', 'columns', index] : name === spec.target ? ['data', 'target'] : ['data', 'columns'];
  };
  const parseColumn = (name: string) =>
    Float64Array.from(table.rows, (row, index) => {
      const value = numberIn(row.values[name]);
      if (value === undefined) {
        const cell = cellText(row.values[name]);
        const problem = cell === '' ? 'is empty' : `is "${cell}", not a number`;
        throw new DataError(`"${file.written}", row ${index + 1} (${row.where}), column "${name}" ${problem}.`, specPathOf(name));
      }
      return value;
    });
  const parsed = new Map([...new Set([...names, spec.target])].map((name) => [name, parseColumn(name)]));
  return {
    names,
    inputs: names.map((name) => parsed.get(name)!),
    target: parsed.get(spec.target)!,
    rows: table.rows.length,
  };
}

/** How many windows the rows give and where the time split falls (see the module comment). */
export function planWindows(rows: number, spec: SeriesSpec): WindowPlan {
  const { window, horizon, validationSplit } = spec;
  const windows = rows - window - horizon + 1;
  if (windows < 1) {
    throw new DataError(`The series has ${rows} rows; one window needs ${window} + ${horizon} (horizon) = ${window + horizon}.`, ['data', 'window']);
  }
  const validation = Math.round(windows * validationSplit);
  const train = windows - validation - (horizon - 1);
  const counts = requireBothParts({ train, validation, noun: 'windows' }, windows, validationSplit);
  return { ...counts, windows, cut: windows - validation + window };
}

interface Scale {
  mean: number;
  std: number;
}

/** Mean and (population) standard deviation of values[0, end); a constant column gets std 1. */
function fitScale(values: Float64Array, end: number): Scale {
  let sum = 0;
  for (let i = 0; i < end; i++) sum += values[i];
  const mean = sum / end;
  let squares = 0;
  for (let i = 0; i < end; i++) squares += (values[i] - mean) ** 2;
  const std = Math.sqrt(squares / end);
  return { mean, std: std > 0 ? std : 1 };
}

export function loadCsv(spec: SeriesSpec, file: DataFile): Dataset {
  return windowDataset(readSeriesColumns(readCsvTable(file), spec, file), spec, file.title);
}

function windowDataset(columns: SeriesColumns, spec: SeriesSpec, title: string): Dataset {
  const { window, horizon } = spec;
  const plan = planWindows(columns.rows, spec);
  const standardise = (values: Float64Array, { mean, std }: Scale) => values.map((value) => (value - mean) / std);
  const inputs = columns.inputs.map((values) => standardise(values, fitScale(values, plan.cut)));
  const targetScale = fitScale(columns.target, plan.cut);
  const target = standardise(columns.target, targetScale);
  const features = inputs.length;
  const all = allocateSplit(plan.windows, { inputs: window * features, tokenInputs: false, targets: horizon });
  for (let s = 0; s < plan.windows; s++) {
    for (let t = 0; t < window; t++) {
      for (let f = 0; f < features; f++) all.inputs[(s * window + t) * features + f] = inputs[f][s + t];
    }
    for (let h = 0; h < horizon; h++) all.targets![s * horizon + h] = target[s + window + h];
  }
  const firstValidation = plan.windows - plan.validation;
  const validation = sliceSplit(all, firstValidation, plan.windows);
  const lastObserved = (i: number) => target[firstValidation + i + window - 1];
  return {
    task: 'forecast',
    input: { kind: 'dense', size: features },
    seqLength: window,
    outputSize: horizon,
    train: sliceSplit(all, 0, plan.train),
    validation,
    baseline: { loss: repeatedPredictionMse(validation.targets!, horizon, lastObserved), label: 'last value' },
    featureNames: columns.names,
    targetScale,
    description: `${title}: ${spec.target} from ${columns.names.join(', ')}, window ${window}, horizon ${horizon}: ` + describeCounts(plan),
  };
}
