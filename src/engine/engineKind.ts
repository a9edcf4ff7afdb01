/**
 * The names of the engines that can train a model: a leaf module, so the events, the summary and
 * the settings can name an engine without importing the engines themselves.
 */
export type EngineKind = 'kernels' | 'tfjs';

export const ENGINE_KINDS: readonly EngineKind[] = ['kernels', 'tfjs'];
