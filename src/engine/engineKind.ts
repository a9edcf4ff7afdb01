/**
 * The names of the engines that can train a model and of the tfjs backends one may ask for: a
 * leaf module, so the events, the summary, the settings and the protocol (which the webview
 * reads) can name them without importing the engines or the backend loader themselves.
 */
export type EngineKind = 'kernels' | 'tfjs';

export const ENGINE_KINDS: readonly EngineKind[] = ['kernels', 'tfjs'];

/** The tfjs backend asked for (`rnnLab.backend`, `--backend`): `auto` tries wasm, then cpu. */
export type BackendPreference = 'auto' | 'wasm' | 'cpu';
