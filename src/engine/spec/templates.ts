/**
 * Starter specs for a new experiment, one per kind of task: commented JSONC that validates as
 * written. The tasks that read a file of the user's get its path (relative to the spec) and,
 * for tables, the columns to use.
 */
import type { BuiltinDatasetName } from './types';

export type TemplateTask = 'sine' | 'adding' | 'copy' | 'csv' | 'text' | 'labeled-text' | 'builtin';

export interface SpecTemplate {
  task: TemplateTask;
  label: string;
  detail: string;
  /** The kind of data file the user picks first, for the tasks that read one. */
  dataFile?: { title: string; extensions: string[] };
}

export const SPEC_TEMPLATES: readonly SpecTemplate[] = [
  { task: 'sine', label: 'Sine wave', detail: 'Forecast the next value of a noisy sine wave (synthetic; trains in seconds).' },
  { task: 'adding', label: 'Adding problem', detail: 'Sum two marked values of a long sequence: RNN against LSTM, the vanishing gradient.' },
  { task: 'copy', label: 'Copy memory', detail: 'Repeat a few symbols after a delay (synthetic, classification per step).' },
  {
    task: 'csv',
    label: 'CSV series',
    detail: 'Forecast a column of your own CSV file from a window of past rows.',
    dataFile: { title: 'CSV file', extensions: ['csv'] },
  },
  {
    task: 'text',
    label: 'Text corpus',
    detail: 'A character-level language model on a text file of your own.',
    dataFile: { title: 'Text file', extensions: ['txt', 'md'] },
  },
  {
    task: 'labeled-text',
    label: 'Labelled text',
    detail: 'Classify short texts: a CSV or JSON file with a text and a label per record.',
    dataFile: { title: 'Labelled texts', extensions: ['csv', 'json'] },
  },
  { task: 'builtin', label: 'Built-in data set', detail: 'CO₂, Seattle weather, sunspots, Moby-Dick or sentiment, shipped with RNN Lab.' },
];

export const BUILTIN_CHOICES: readonly { name: BuiltinDatasetName; detail: string }[] = [
  { name: 'sunspots', detail: 'yearly sunspot numbers 1700–2008, a series to forecast' },
  { name: 'co2', detail: 'Mauna Loa CO₂, monthly 1958–2020, a series to forecast' },
  { name: 'weather', detail: 'Seattle weather, daily 2012–2015, forecast the maximum temperature' },
  { name: 'moby-dick', detail: 'the novel, for a character-level language model' },
  { name: 'sentiment', detail: 'sentences labelled positive or negative' },
];

export interface TemplateOptions {
  /** The experiment's `name`. */
  name: string;
  /** csv, text, labeled-text: the data file, relative to the spec's folder, with `/` separators. */
  dataPath?: string;
  /** csv: the column to forecast; labeled-text: the text and label fields. */
  target?: string;
  textField?: string;
  labelField?: string;
  /** builtin: which data set (sunspots when omitted). */
  builtin?: BuiltinDatasetName;
}

/** The text of a new spec file for `task`. Throws when a file task lacks its file settings. */
export function renderTemplate(task: TemplateTask, options: TemplateOptions): string {
  const name = JSON.stringify(options.name);
  const schema = '  // Completion and checks come from the schema; hover a key for its documentation.\n';
  const training = (epochs: number, batchSize: number, learningRate: number) =>
    `  "training": { "epochs": ${epochs}, "batchSize": ${batchSize}, "learningRate": ${learningRate} },\n`;
  const sweepHint = (key: string, values: string) =>
    `  // Uncomment to train one run per value and compare them in the panel's Compare view:\n  // "sweep": { "${key}": ${values} },\n`;
  switch (task) {
    case 'sine':
      return (
        `{\n  "name": ${name},\n  "description": "Forecast the next value of a noisy sine wave.",\n${schema}` +
        `  // 1000 windows of 40 steps; "horizon" is how many future values to predict.\n` +
        `  "data": { "type": "sine", "samples": 1000, "seqLength": 40, "noise": 0.05, "horizon": 1 },\n` +
        `  // "cell" is "rnn", "lstm" or "gru".\n  "model": { "cell": "gru", "hiddenSize": 16 },\n` +
        training(8, 32, 0.01) +
        sweepHint('model.cell', '["rnn", "lstm", "gru"]') +
        '}\n'
      );
    case 'adding':
      return (
        `{\n  "name": ${name},\n  "description": "The adding problem: a vanilla RNN stays at the 0.167 baseline as T grows, an LSTM learns it.",\n${schema}` +
        `  // seqLength is T: the longer, the harder for a vanilla RNN.\n` +
        `  "data": { "type": "adding", "samples": 3000, "seqLength": 50 },\n` +
        `  "model": { "hiddenSize": 32 },\n` +
        `  "training": { "epochs": 10, "batchSize": 32, "learningRate": 0.01, "clipNorm": 1 },\n` +
        `  // One run per cell; the Gradient flow view shows why the RNN fails.\n` +
        `  "sweep": { "model.cell": ["rnn", "lstm"] },\n}\n`
      );
    case 'copy':
      return (
        `{\n  "name": ${name},\n  "description": "Remember a few symbols through blank steps, then repeat them.",\n${schema}` +
        `  // Read "length" symbols out of "symbols", wait "delay" steps, repeat them.\n` +
        `  "data": { "type": "copy", "samples": 2000, "delay": 10, "symbols": 4, "length": 5 },\n` +
        `  "model": { "cell": "lstm", "hiddenSize": 64 },\n` +
        training(20, 32, 0.01) +
        sweepHint('data.delay', '[5, 10, 20]') +
        '}\n'
      );
    case 'csv': {
      const { dataPath, target } = required(task, options, 'dataPath', 'target');
      return (
        `{\n  "name": ${name},\n  "description": ${JSON.stringify(`Forecast ${target} from a window of past rows.`)},\n${schema}` +
        `  // "path" is relative to this file. "columns": [] means every numeric column is an input.\n` +
        `  "data": {\n    "type": "csv",\n    "path": ${JSON.stringify(dataPath)},\n    "columns": [],\n    "target": ${JSON.stringify(target)},\n` +
        `    // Past rows per input window, and future rows of the target to predict.\n    "window": 24,\n    "horizon": 1,\n  },\n` +
        `  "model": { "cell": "lstm", "hiddenSize": 24 },\n` +
        training(15, 32, 0.005) +
        sweepHint('data.window', '[12, 24, 48]') +
        '}\n'
      );
    }
    case 'text': {
      const { dataPath } = required(task, options, 'dataPath');
      return (
        `{\n  "name": ${name},\n  "description": "A character-level language model: predict each next character.",\n${schema}` +
        `  // "path" is relative to this file (UTF-8 text).\n` +
        `  "data": { "type": "text", "path": ${JSON.stringify(dataPath)}, "seqLength": 48 },\n` +
        `  "model": { "cell": "lstm", "hiddenSize": 64 },\n` +
        training(12, 32, 0.005) +
        `  // The panel's Predictions view samples text at this temperature.\n` +
        `  "probe": { "samples": 2, "generateLength": 160, "temperature": 0.7 },\n}\n`
      );
    }
    case 'labeled-text': {
      const { dataPath, textField, labelField } = required(task, options, 'dataPath', 'textField', 'labelField');
      return (
        `{\n  "name": ${name},\n  "description": "Classify short texts, character by character.",\n${schema}` +
        `  // "path" is relative to this file: a CSV file with a header row or a JSON array of objects.\n` +
        `  "data": {\n    "type": "labeled-text",\n    "path": ${JSON.stringify(dataPath)},\n` +
        `    "textField": ${JSON.stringify(textField)},\n    "labelField": ${JSON.stringify(labelField)},\n` +
        `    // Texts are cut or padded to this many characters.\n    "maxLength": 80,\n  },\n` +
        `  "model": { "cell": "gru", "hiddenSize": 32 },\n` +
        `  // Stops once the validation loss has not improved for 3 epochs.\n` +
        `  "training": { "epochs": 20, "batchSize": 32, "learningRate": 0.005, "earlyStopping": { "patience": 3, "metric": "val_loss" } },\n}\n`
      );
    }
    case 'builtin': {
      const dataset = options.builtin ?? 'sunspots';
      const text = dataset === 'moby-dick' || dataset === 'sentiment';
      return (
        `{\n  "name": ${name},\n  "description": ${JSON.stringify(`The built-in ${dataset} data set.`)},\n${schema}` +
        `  // "name" is one of "co2", "weather", "sunspots" (series), "moby-dick" (text), "sentiment" (sentences).\n` +
        `  // "seqLength" is the window for series, the sequence length for text, the maximum length for sentences.\n` +
        `  "data": { "type": "builtin", "name": "${dataset}", "seqLength": ${text ? 48 : 20}${text ? '' : ', "horizon": 1'} },\n` +
        `  "model": { "cell": "gru", "hiddenSize": 32 },\n` +
        training(text ? 12 : 40, text ? 32 : 16, 0.005) +
        sweepHint('model.hiddenSize', '[16, 32, 64]') +
        '}\n'
      );
    }
  }
}

/**
 * The numeric columns of a table (every value of its first rows a number): the candidates for
 * a CSV series' target.
 */
export function numericFields(table: { fields: string[]; rows: { values: Record<string, unknown> }[] }, rowsToCheck = 50): string[] {
  const rows = table.rows.slice(0, rowsToCheck);
  return table.fields.filter((field) => rows.length > 0 && rows.every((row) => isNumeric(row.values[field])));
}

/** The text and label fields of labelled texts: `text` and `label` when present, else the first and last field. */
export function guessTextFields(fields: string[]): { textField: string; labelField: string } | undefined {
  if (fields.length < 2) return undefined;
  const find = (...names: string[]) => fields.find((field) => names.includes(field.toLowerCase()));
  const textField = find('text', 'review', 'sentence', 'content') ?? fields[0];
  const labelField = find('label', 'sentiment', 'class', 'category') ?? fields.filter((field) => field !== textField).at(-1)!;
  return { textField, labelField };
}

/** A spec file name for an experiment name: `<slug>.rnn.json`. */
export function specFileName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return `${slug || 'experiment'}.rnn.json`;
}

/**
 * `name` when `isTaken(name)` says it is free, else the first free `<stem>-2.rnn.json`,
 * `<stem>-3.rnn.json`, … (a new spec never proposes an existing file).
 */
export function freeSpecFileName(name: string, isTaken: (candidate: string) => boolean): string {
  const stem = name.replace(/\.rnn\.json$/i, '');
  let candidate = `${stem}.rnn.json`;
  for (let n = 2; isTaken(candidate); n++) candidate = `${stem}-${n}.rnn.json`;
  return candidate;
}

function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
}

function required<K extends keyof TemplateOptions>(task: TemplateTask, options: TemplateOptions, ...keys: K[]): Required<Pick<TemplateOptions, K>> {
  const missing = keys.filter((key) => options[key] === undefined);
  if (missing.length > 0) throw new Error(`the ${task} template needs ${missing.join(' and ')}`);
  return options as unknown as Required<Pick<TemplateOptions, K>>;
}
