/** Turns the spec's `data` section into a `Dataset`: the one entry point of the data module. */
import type { DataSpec } from '../spec/types';
import { loadAdding } from './adding';
import { builtinSpecPath, resolveBuiltin } from './builtin';
import { loadCopy } from './copyMemory';
import { DataError } from './errors';
import { userDataFile, type DataFile, type FileDataSpec } from './files';
import { loadLabeledText } from './labeledText';
import { loadCsv } from './series';
import { loadSine } from './sine';
import { loadText } from './text';
import type { Dataset } from './types';

export { DataError } from './errors';

export interface DataContext {
  /** The spec file's folder: data paths are relative to it. */
  specDir: string;
  /** The extension's `media` folder; built-in data sets are in its `datasets/`. */
  resourcesDir: string;
  /** Seeds synthetic data and shuffling. */
  seed: number;
}

/** Builds the dataset, or throws a `DataError` whose path points at the spec entry to fix. */
export function loadDataset(data: DataSpec, context: DataContext): Dataset {
  switch (data.type) {
    case 'sine':
      return loadSine(data, context.seed);
    case 'adding':
      return loadAdding(data, context.seed);
    case 'copy':
      return loadCopy(data, context.seed);
    case 'csv':
    case 'text':
    case 'labeled-text':
      return loadFileData(data, userDataFile(data.path, context.specDir), context.seed);
    case 'builtin': {
      const builtin = resolveBuiltin(data, context.resourcesDir);
      try {
        return loadFileData(builtin.data, builtin.file, context.seed);
      } catch (error) {
        if (error instanceof DataError) throw new DataError(error.message, builtinSpecPath(error.path));
        throw error;
      }
    }
  }
}

function loadFileData(data: FileDataSpec, file: DataFile, seed: number): Dataset {
  switch (data.type) {
    case 'csv':
      return loadCsv(data, file);
    case 'text':
      return loadText(data, file);
    case 'labeled-text':
      return loadLabeledText(data, file, seed);
  }
}
