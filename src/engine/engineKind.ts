/**
 * The names of the engines that can train a model: a leaf module, so the events, the summary and
 * the settings can name an engine without importing the engines themselves. `kernels` and `tfjs`
 * run in this process; `pytorch` runs an exported project's train.py in a Python child process.
 */
export type EngineKind = 'kernels' | 'tfjs';

export const ENGINE_KINDS: readonly EngineKind[] = ['kernels', 'tfjs'];

/** Every engine a run can be trained with (and that a run's summary can name). */
export type TrainEngine = EngineKind | 'pytorch';

export const TRAIN_ENGINES: readonly TrainEngine[] = [...ENGINE_KINDS, 'pytorch'];
