/**
 * Chooses and starts the tfjs backend: the wasm backend (SIMD) where it loads, else
 * the plain JavaScript cpu backend. A fallback is never silent: the note says why.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BackendPreference } from './engineKind';
import type { Backend } from './events';

export interface BackendChoice {
  backend: Backend;
  /** Set when the backend differs from the preference, or to say what was tried. */
  note?: string;
}

const WASM_FILE = 'tfjs-backend-wasm-simd.wasm';

/** The folder holding the wasm binaries: beside the bundle, or in node_modules when run from source. */
export function wasmBinaryDir(): string {
  if (existsSync(join(__dirname, WASM_FILE))) {
    return __dirname;
  }
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
}

export async function initBackend(preference: BackendPreference): Promise<BackendChoice> {
  // Production mode silences tfjs's console banner about tfjs-node.
  tf.enableProdMode();
  if (preference === 'cpu') {
    await tf.setBackend('cpu');
    return { backend: 'cpu' };
  }
  const dir = wasmBinaryDir();
  setWasmPaths(dir.endsWith('/') ? dir : `${dir}/`);
  let failure: string;
  try {
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      return { backend: 'wasm' };
    }
    failure = `the wasm backend did not initialise (binaries looked for in ${dir})`;
  } catch (error) {
    failure = `the wasm backend failed to load: ${error instanceof Error ? error.message : String(error)}`;
  }
  await tf.setBackend('cpu');
  return { backend: 'cpu', note: `Training on the slower cpu backend: ${failure}.` };
}
