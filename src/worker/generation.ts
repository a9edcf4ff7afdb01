/**
 * The generation job: loads a finished language-model run's saved weights into the engine and
 * samples text from it, primed with the run's first validation sequence (as its probes are).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { initBackend } from '../engine/backend';
import { loadDataset } from '../engine/data/load';
import type { GeneratedText } from '../engine/events';
import { createTfjsEngine } from '../engine/model/tfjsEngine';
import { readWeightsFile } from '../engine/model/weightsFile';
import { RUN_FILES } from '../engine/runs/layout';
import type { StoredSpec } from '../engine/runs/storedSpec';
import { gatherBatch } from '../engine/train/batches';
import { engineConfig } from '../engine/train/trainer';
import type { GenerationJob } from '../protocol';

export async function generateFromRun(job: GenerationJob): Promise<GeneratedText> {
  const stored = JSON.parse(readFileSync(join(job.runDir, RUN_FILES.spec), 'utf8')) as StoredSpec;
  const { spec } = stored;
  await initBackend(job.backend);
  const dataset = loadDataset(spec.data, { specDir: dirname(stored.specPath), resourcesDir: job.resourcesDir, seed: spec.training.seed });
  if (dataset.input.kind !== 'tokens' || !dataset.vocabulary || dataset.validation.count === 0) {
    throw new Error('this run is not a language model');
  }
  const model = createTfjsEngine(engineConfig(spec, dataset));
  try {
    model.loadStateDict(readWeightsFile(join(job.runDir, RUN_FILES.weights)));
    const prime = Array.from(gatherBatch(dataset, dataset.validation, [0]).inputs);
    return model.generate(prime, job.length, job.temperature, dataset.vocabulary, job.seed);
  } finally {
    model.dispose();
  }
}
