/**
 * The doctor's labelled suite: specs in `test/doctor/suite/<label>/`, where the folder names
 * the one finding each must get (`healthy` for none), trained for real and judged by the doctor.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Finding } from '../../src/engine/doctor/types';
import { runExperiment } from '../../src/engine/runExperiment';
import { loadSpecFile } from '../../src/engine/spec/load';

export const SUITE_DIR = resolve(__dirname, 'suite');
export const RESOURCES_DIR = resolve(__dirname, '../../media');

export interface SuiteCase {
  /** `vanishing-gradients/adding-rnn.rnn.json`. */
  name: string;
  file: string;
  /** The expected code, or `healthy`. */
  label: string;
}

export function suiteCases(): SuiteCase[] {
  return readdirSync(SUITE_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((folder) =>
      readdirSync(join(SUITE_DIR, folder.name))
        .filter((file) => file.endsWith('.rnn.json'))
        .sort()
        .map((file) => ({ name: `${folder.name}/${file}`, file: join(SUITE_DIR, folder.name, file), label: folder.name })),
    );
}

/** Trains one case in a temporary runs folder and returns the doctor's final findings. */
export async function diagnoseCase(file: string): Promise<Finding[]> {
  const check = loadSpecFile(file, RESOURCES_DIR);
  if (!check.spec) {
    throw new Error(`${file}: ${check.diagnostics.map((d) => d.message).join('; ')}`);
  }
  const runsRoot = mkdtempSync(join(tmpdir(), 'rnn-lab-doctor-'));
  try {
    const { summary } = await runExperiment({ spec: check.spec, specPath: file, runsRoot, backend: 'auto', resourcesDir: RESOURCES_DIR });
    return summary.findings ?? [];
  } finally {
    rmSync(runsRoot, { recursive: true, force: true });
  }
}
