/**
 * The names of the engines that can train a model and of the tfjs backends one may ask for: a
 * leaf module, so the events, the summary, the settings and the protocol (which the webview
 * reads) can name them without importing the engines or the backend loader themselves.
 * `kernels` and `tfjs` run in this process; `pytorch` runs an exported project's train.py in a
 * Python child process.
 */
export type EngineKind = 'kernels' | 'tfjs';

export const ENGINE_KINDS: readonly EngineKind[] = ['kernels', 'tfjs'];

/** The tfjs backend asked for (`rnnLab.backend`, `--backend`): `auto` tries wasm, then cpu. */
export type BackendPreference = 'auto' | 'wasm' | 'cpu';

/** Every engine a run can be trained with (and that a run's summary can name). */
export type TrainEngine = EngineKind | 'pytorch';

export const TRAIN_ENGINES: readonly TrainEngine[] = [...ENGINE_KINDS, 'pytorch'];
