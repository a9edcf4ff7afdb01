/**
 * The data sets shipped in `<resources>/datasets/` (sources and licences in its README.md).
 * Each one is loaded by the loader of its kind: series as CSV windows, the novel as a text,
 * the sentences as labelled texts.
 */
import { join } from 'node:path';
import type { BuiltinData, BuiltinDatasetName } from '../spec/types';
import type { SpecPath } from './errors';
import type { DataFile, FileDataSpec } from './files';

type BuiltinSource =
  | { kind: 'csv'; file: string; title: string; columns: string[]; target: string }
  | { kind: 'text'; file: string; title: string }
  | { kind: 'labeled-text'; file: string; title: string; textField: string; labelField: string };

export const BUILTIN_DATASETS: Record<BuiltinDatasetName, BuiltinSource> = {
  co2: {
    kind: 'csv',
    file: 'co2-concentration.csv',
    title: 'Mauna Loa CO₂, monthly 1958–2020',
    columns: ['CO2'],
    target: 'CO2',
  },
  weather: {
    kind: 'csv',
    file: 'seattle-weather.csv',
    title: 'Seattle weather, daily 2012–2015',
    columns: ['precipitation', 'temp_max', 'temp_min', 'wind'],
    target: 'temp_max',
  },
  sunspots: {
    kind: 'csv',
    file: 'sunspots.csv',
    title: 'sunspots, yearly 1700–2008',
    columns: ['SUNACTIVITY'],
    target: 'SUNACTIVITY',
  },
  'moby-dick': { kind: 'text', file: 'moby-dick.txt', title: 'Moby-Dick, characters' },
  sentiment: {
    kind: 'labeled-text',
    file: 'sentiment.json',
    title: 'sentiment-labelled sentences',
    textField: 'text',
    labelField: 'label',
  },
};

/** A built-in data set as the equivalent file-based data spec. */
export interface ResolvedBuiltin {
  data: FileDataSpec;
  file: DataFile;
}

export function resolveBuiltin(spec: BuiltinData, resourcesDir: string): ResolvedBuiltin {
  const source = BUILTIN_DATASETS[spec.name];
  const { seqLength, horizon, validationSplit, padding } = spec;
  const file: DataFile = {
    absolute: join(resourcesDir, 'datasets', source.file),
    written: source.file,
    title: `${spec.name} (${source.title})`,
    specPath: ['data', 'name'],
  };
  const common = { path: source.file, validationSplit };
  switch (source.kind) {
    case 'csv': {
      const { columns, target } = source;
      return { file, data: { type: 'csv', ...common, columns, target, window: seqLength, horizon } };
    }
    case 'text':
      return { file, data: { type: 'text', ...common, seqLength } };
    case 'labeled-text': {
      const { textField, labelField } = source;
      return { file, data: { type: 'labeled-text', ...common, textField, labelField, maxLength: seqLength, padding } };
    }
  }
}

/** Where, in a `builtin` spec, to point a problem found in the equivalent file-based spec. */
export function builtinSpecPath(path: SpecPath): SpecPath {
  if (path[0] !== 'data') return path;
  switch (path[1]) {
    case 'window':
    case 'seqLength':
    case 'maxLength':
      return ['data', 'seqLength'];
    case 'horizon':
    case 'validationSplit':
      return path;
    default:
      return ['data', 'name'];
  }
}
