/**
 * `rnn-lab export-pytorch`: writes a self-contained PyTorch project for one spec — train.py (a
 * resource in media/pytorch/), the exact tensors RNN Lab's loaders made (data.safetensors), the
 * exact initial weights of the kernels (init.safetensors), spec.json (the resolved spec with the
 * dataset's vocabulary, classes and normalisation) and a README. train.py reproduces RNN Lab's batch
 * order from the seed, so the same spec gives the same step losses.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { loadDataset } from '../data/load';
import type { Dataset, SequenceSplit } from '../data/types';
import { replaceFileAtomically } from '../io/files';
import { initialWeights, parameterShapes } from '../model/initialization';
import { stateDictEntry } from '../model/parameters';
import type { StateDict } from '../model/types';
import { specInitialWeights } from '../runExperiment';
import { safetensorsBytes, type NamedTensors } from '../runs/export';
import { experimentSlug, RUN_FILES } from '../runs/layout';
import type { StoredSpec } from '../runs/storedSpec';
import type { SweepPoint } from '../runs/summary';
import { readWeightsFile } from '../model/weightsFile';
import { applyAssignments, specChecksum } from '../spec/sweep';
import type { ExperimentSpec } from '../spec/types';
import { engineConfig } from '../train/trainer';
import { projectReadme } from './projectReadme';
import { PROJECT_FILES, PROJECT_FORMAT, type ProjectSpec } from './projectSpec';

export { PROJECT_FILES } from './projectSpec';

export interface ExportProjectOptions {
  /** The spec file, as the user named it: data paths start from its folder, the run folders are named after it. */
  specPath: string;
  /** The resolved spec (a sweep is kept as a grid; the project trains the spec as written). */
  spec: ExperimentSpec;
  outDir: string;
  /** The folder with the built-in datasets and pytorch/train.py (`media/`). */
  resourcesDir: string;
  /** The sweep point this spec is, when it is one: train.py's runs record it. */
  sweep?: SweepPoint;
  /** Starting weights other than the spec's (a run's final weights, for fine-tuning), and what they are. */
  initialWeights?: { weights: StateDict; source: string };
}

export interface ExportedProject {
  outDir: string;
  project: ProjectSpec;
}

/** Writes the project; refuses a folder that holds anything but an earlier export. */
export function exportPytorchProject(options: ExportProjectOptions): ExportedProject {
  const { specPath, outDir } = options;
  checkOutputFolder(outDir);
  const spec = applyAssignments(options.spec, {});
  const specDir = dirname(specPath);
  const dataset = loadDataset(spec.data, { specDir, resourcesDir: options.resourcesDir, seed: spec.training.seed });
  const { weights, source } = startingWeights(spec, dataset, specDir, options.initialWeights);
  const project: ProjectSpec = {
    format: PROJECT_FORMAT,
    version: 1,
    specPath,
    experiment: experimentSlug(specPath),
    specChecksum: specChecksum(spec),
    spec,
    sweep: options.spec.sweep,
    dataset: {
      task: dataset.task,
      input: dataset.input,
      seqLength: dataset.seqLength,
      outputSize: dataset.outputSize,
      trainCount: dataset.train.count,
      validationCount: dataset.validation.count,
      baseline: dataset.baseline,
      description: dataset.description,
      vocabulary: dataset.vocabulary,
      classes: dataset.classes,
      featureNames: dataset.featureNames,
      targetScale: dataset.targetScale,
    },
    initialization: source,
    sweepPoint: options.sweep,
  };
  mkdirSync(outDir, { recursive: true });
  const write = (name: string, content: string | Buffer): void => replaceFileAtomically(join(outDir, name), (temp) => writeFileSync(temp, content));
  write(PROJECT_FILES.data, safetensorsBytes({ ...splitTensors('train', dataset, dataset.train), ...splitTensors('validation', dataset, dataset.validation) }));
  write(PROJECT_FILES.init, safetensorsBytes(weights, { format: 'pt', source }));
  write(PROJECT_FILES.spec, `${JSON.stringify(project, null, 2)}\n`);
  write(PROJECT_FILES.readme, projectReadme(project));
  replaceFileAtomically(join(outDir, PROJECT_FILES.script), (temp) => copyFileSync(trainScriptPath(options.resourcesDir), temp));
  return { outDir, project };
}

/** train.py as shipped with RNN Lab. */
export function trainScriptPath(resourcesDir: string): string {
  return join(resourcesDir, 'pytorch', PROJECT_FILES.script);
}

/** The default output folder: `<spec folder>/<experiment>-pytorch`. */
export function defaultProjectDir(specPath: string): string {
  return join(dirname(specPath), `${experimentSlug(specPath)}-pytorch`);
}

function checkOutputFolder(outDir: string): void {
  if (!existsSync(outDir)) return;
  const entries = readdirSync(outDir);
  if (entries.length === 0) return;
  let format: unknown;
  try {
    format = (JSON.parse(readFileSync(join(outDir, PROJECT_FILES.spec), 'utf8')) as { format?: unknown }).format;
  } catch {
    format = undefined;
  }
  if (format !== PROJECT_FORMAT) {
    throw new Error(`${outDir} is not empty and is not an exported PyTorch project: choose another folder (nothing was written)`);
  }
}

/**
 * The weights the kernels start from: the seeded initialisation, with a `model.init` weights file (or
 * the given weights) loaded over it as the engines' `loadStateDict` does (a bare recurrent state dict
 * keeps the initial head).
 */
function startingWeights(
  spec: ExperimentSpec,
  dataset: Dataset,
  specDir: string,
  override: ExportProjectOptions['initialWeights'],
): { weights: StateDict; source: string } {
  const config = engineConfig(spec, dataset);
  const initial = initialWeights(config);
  const loaded = override?.weights ?? specInitialWeights(spec, specDir);
  if (!loaded) return { weights: initial, source: spec.model.init };
  const weights: StateDict = {};
  for (const [name, shape] of parameterShapes(config)) {
    const entry = stateDictEntry(loaded, name, shape, initial);
    weights[name] = { shape, data: Float32Array.from(entry.data) };
  }
  return { weights, source: override?.source ?? `weights file ${spec.model.init}` };
}

/** A split's tensors, named `<split>.inputs`, `<split>.targets` (forecast) or `<split>.labels`, and `<split>.lengths` for packed sequences. */
function splitTensors(name: string, dataset: Dataset, split: SequenceSplit): NamedTensors {
  const { count } = split;
  const T = dataset.seqLength;
  const tensors: NamedTensors = {
    [`${name}.inputs`]: { shape: dataset.input.kind === 'dense' ? [count, T, dataset.input.size] : [count, T], data: split.inputs },
  };
  if (split.targets) tensors[`${name}.targets`] = { shape: [count, dataset.outputSize], data: split.targets };
  if (split.labels) tensors[`${name}.labels`] = { shape: dataset.task === 'tokens' ? [count, T] : [count], data: split.labels };
  if (split.lengths) tensors[`${name}.lengths`] = { shape: [count], data: split.lengths };
  return tensors;
}

/** A run's spec with its final weights as the starting weights, for fine-tuning. */
export function exportRunProject(runDir: string, outDir: string, resourcesDir: string): ExportedProject {
  const stored = readStoredSpec(runDir);
  const weightsPath = join(runDir, RUN_FILES.weights);
  if (!existsSync(weightsPath)) throw new Error(`the run in ${runDir} has no saved weights (${RUN_FILES.weights})`);
  return exportPytorchProject({
    specPath: stored.specPath,
    spec: stored.spec,
    outDir,
    resourcesDir,
    initialWeights: { weights: readWeightsFile(weightsPath), source: `the final weights of run ${basename(runDir)}` },
  });
}

function readStoredSpec(runDir: string): StoredSpec {
  try {
    return JSON.parse(readFileSync(join(runDir, RUN_FILES.spec), 'utf8')) as StoredSpec;
  } catch (error) {
    throw new Error(`cannot read the run's ${RUN_FILES.spec} in ${runDir}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
