/** What an exported PyTorch project holds: its file names and its spec.json (read by train.py). */
import type { Dataset } from '../data/types';
import type { SweepPoint } from '../runs/summary';
import type { ExperimentSpec } from '../spec/types';

/** The files of an exported project. */
export const PROJECT_FILES = {
  script: 'train.py',
  spec: 'spec.json',
  data: 'data.safetensors',
  init: 'init.safetensors',
  readme: 'README.md',
} as const;

export const PROJECT_FORMAT = 'rnn-lab-pytorch-project';

/** What spec.json holds: everything train.py reads besides the tensors. */
export interface ProjectSpec {
  format: typeof PROJECT_FORMAT;
  version: 1;
  /** The spec file as the caller named it, and its experiment folder under a runs folder. */
  specPath: string;
  experiment: string;
  /** The checksum RNN Lab records for this spec (train.py recomputes it after --set). */
  specChecksum: string;
  /** The resolved spec, as written (without its sweep). */
  spec: ExperimentSpec;
  /** The spec's sweep grid, for the README's --set loop. */
  sweep?: Record<string, unknown[]>;
  dataset: {
    task: Dataset['task'];
    input: Dataset['input'];
    seqLength: number;
    outputSize: number;
    trainCount: number;
    validationCount: number;
    baseline: Dataset['baseline'];
    description: string;
    vocabulary?: string[];
    classes?: string[];
    featureNames?: string[];
    targetScale?: Dataset['targetScale'];
  };
  /** Where init.safetensors comes from: "default", "identity", a weights file, or a run's final weights. */
  initialization: string;
  /** The sweep point the runs record (a point of a sweep trained with the pytorch engine). */
  sweepPoint?: SweepPoint;
}
