/** Comparing runs: validation loss of several runs overlaid, stable run colours, the config diff, ranking. */
import type { TopLevelSpec } from 'vega-lite';
import type { RunSummary } from '../engine/runs/summary';
import { chartSizing, type ChartSize, VEGA_LITE_SCHEMA } from './layout';
import { DEFAULT_THEME, themeConfig, type ChartTheme } from './theme';

/** A row of the `runs` dataset: one epoch of one run. */
export interface CompareRow {
  runId: string;
  epoch: number;
  validationLoss: number;
}

/** A run in the comparison, in legend order. */
export interface CompareRun {
  id: string;
  /** The legend text, e.g. the sweep point's label or the run id. */
  label: string;
}

export interface CompareChartOptions extends ChartSize {
  /** The runs shown; rows of other runs are left out. Rebuild the spec when this set changes. */
  runs: readonly CompareRun[];
  logScale?: boolean;
  theme?: ChartTheme;
}

/** A palette colour chosen by hashing the run id (FNV-1a), so a run keeps its colour across sessions. */
export function runColor(runId: string, palette: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < runId.length; i++) {
    hash = Math.imul(hash ^ runId.charCodeAt(i), 0x01000193);
  }
  return palette[(hash >>> 0) % palette.length];
}

/**
 * The dotted keys (`training.learningRate`, `model.layers`, array items as `a.0.b`) whose values are
 * not the same in every spec, a key missing from some specs included, in order of first appearance.
 */
export function differingConfig(specs: Record<string, object>): string[] {
  const flattened = Object.values(specs).map((spec) => flatten(spec));
  const keys = [...new Set(flattened.flatMap((flat) => [...flat.keys()]))];
  return keys.filter((key) => new Set(flattened.map((flat) => flat.get(key))).size > 1);
}

/** Runs by best validation loss, lowest first; runs without one keep their order at the end. Does not mutate. */
export function sortByBest(summaries: readonly RunSummary[]): RunSummary[] {
  const best = (s: RunSummary) => (s.bestValidationLoss !== undefined && Number.isFinite(s.bestValidationLoss) ? s.bestValidationLoss : Infinity);
  return summaries
    .map((summary, index) => ({ summary, index }))
    .sort((a, b) => best(a.summary) - best(b.summary) || a.index - b.index)
    .map(({ summary }) => summary);
}

/**
 * Validation loss per epoch of several runs overlaid, a line with points per run in its
 * `runColor`, the legend showing the run labels. Non-finite losses (and non-positive ones on a log
 * scale) are left out.
 *
 * Dataset: `runs` (`CompareRow`). Axis titles: "epoch" and "validation loss".
 */
export function compareChartSpec(options: CompareChartOptions): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  const ids = options.runs.map((run) => run.id);
  const labels = Object.fromEntries(options.runs.map((run) => [run.id, run.label]));
  const logScale = options.logScale ?? false;
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...chartSizing(options, 240),
    config: themeConfig(theme),
    data: { name: 'runs' },
    transform: [
      { filter: { field: 'runId', oneOf: ids } },
      { filter: `isFinite(datum.validationLoss)${logScale ? ' && datum.validationLoss > 0' : ''}` },
      { calculate: `${JSON.stringify(labels)}[datum.runId]`, as: 'run' },
    ],
    mark: { type: 'line', strokeWidth: 1.5, point: { size: 24, filled: true } },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: {
        field: 'validationLoss',
        type: 'quantitative',
        title: 'validation loss',
        scale: logScale ? { type: 'log' } : { zero: false },
      },
      color: {
        field: 'runId',
        type: 'nominal',
        title: 'run',
        scale: { domain: ids, range: ids.map((id) => runColor(id, theme.palette)) },
        legend: { labelExpr: `${JSON.stringify(labels)}[datum.label]`, labelLimit: 240 },
      },
      tooltip: [
        { field: 'run', type: 'nominal', title: 'run' },
        { field: 'epoch', type: 'quantitative', title: 'epoch' },
        { field: 'validationLoss', type: 'quantitative', title: 'validation loss', format: '.4~g' },
      ],
    },
  };
}

/** Leaf values of a nested object as dotted key → JSON text. */
function flatten(value: unknown, prefix = '', into = new Map<string, string>()): Map<string, string> {
  const entries = value !== null && typeof value === 'object' ? Object.entries(value) : [];
  if (entries.length === 0) {
    if (prefix) into.set(prefix, JSON.stringify(value));
    return into;
  }
  for (const [key, child] of entries) {
    flatten(child, prefix ? `${prefix}.${key}` : key, into);
  }
  return into;
}
