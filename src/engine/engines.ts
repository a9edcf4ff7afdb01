/**
 * The two implementations of `SequenceModel`: the WebAssembly kernels (fast, the default) and
 * the tfjs-ops reference engine (readable; the oracle the kernels are tested against).
 */
import { createKernelEngine } from './kernels/kernelEngine';
import { createTfjsEngine } from './model/tfjsEngine';
import type { EngineKind } from './engineKind';
import type { EngineConfig, SequenceModel } from './model/types';

export function createEngine(kind: EngineKind, config: EngineConfig): SequenceModel {
  return kind === 'kernels' ? createKernelEngine(config) : createTfjsEngine(config);
}
