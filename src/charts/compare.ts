/** Comparing runs: validation loss of several runs overlaid, a colour (and dash) of its own per run, unique labels, the config diff, ranking. */
import type { TopLevelSpec } from 'vega-lite';
import type { RunSummary } from '../engine/runs/summary';
import { chartSizing, type ChartSize, VEGA_LITE_SCHEMA } from './layout';
import { spacedXAxis } from './loss';
import { smoothDebiased } from './series';
import { DEFAULT_THEME, themeConfig, type ChartTheme } from './theme';

/** A row of the `runs` dataset: one epoch of one run. */
export interface CompareRow {
  runId: string;
  epoch: number;
  validationLoss: number;
  /** The debiased moving average of the run's `validationLoss` over its epochs (see `compareRows`). */
  smoothed: number;
}

/** How a run is drawn: its colour, and a dash pattern once the palette is used up (`[]` is solid). */
export interface RunStyle {
  color: string;
  dash: number[];
}

/** A run in the comparison, in legend order. */
export interface CompareRun {
  id: string;
  /** The legend text: unique among the runs (see `uniqueRunLabels`). */
  label: string;
  /** Default: `runStyles` of the runs shown. */
  style?: RunStyle;
}

export interface CompareChartOptions extends ChartSize {
  /** The runs shown; rows of other runs are left out. Rebuild the spec when this set changes. */
  runs: readonly CompareRun[];
  logScale?: boolean;
  /** Whether `smoothed` is drawn over the raw curves (faint): a smoothing weight above 0 was used. */
  smoothed?: boolean;
  theme?: ChartTheme;
}

/** Dash patterns for runs past the palette: the first round of colours solid, then these in turn. */
const DASHES: readonly number[][] = [[], [6, 3], [2, 2], [8, 3, 2, 3], [1, 4]];

/**
 * A style per run, all different: each run takes its hashed colour (`runColor`) when no earlier run
 * took it, else the next free palette colour; once every colour is taken the next round of colours
 * comes with a dash pattern, and so on. `ids` in a stable order (e.g. the run list's) keep a run's
 * style as runs are ticked and unticked.
 */
export function runStyles(ids: readonly string[], palette: readonly string[]): Map<string, RunStyle> {
  const styles = new Map<string, RunStyle>();
  let taken = new Set<string>();
  let round = 0;
  for (const id of ids) {
    if (styles.has(id)) continue;
    if (taken.size === palette.length) {
      taken = new Set();
      round += 1;
    }
    const start = palette.indexOf(runColor(id, palette));
    const color = Array.from({ length: palette.length }, (_, k) => palette[(start + k) % palette.length]).find((c) => !taken.has(c))!;
    taken.add(color);
    styles.set(id, { color, dash: DASHES[round % DASHES.length] });
  }
  return styles;
}

/**
 * Legend labels that tell runs apart: each run's own label (its name or sweep value), and where two
 * runs share one, the run id after it ("lr=0.01 · 20260101-120000-a1").
 */
export function uniqueRunLabels(runs: readonly { id: string; label: string }[]): Map<string, string> {
  const counts = new Map<string, number>();
  for (const run of runs) counts.set(run.label, (counts.get(run.label) ?? 0) + 1);
  return new Map(runs.map((run) => [run.id, counts.get(run.label)! > 1 && run.label !== run.id ? `${run.label} · ${run.id}` : run.label]));
}

/** The `runs` rows of the compared runs' epochs, each run's validation loss smoothed over its epochs by `weight`. */
export function compareRows(runs: readonly { id: string; epochs: readonly { epoch: number; validationLoss: number }[] }[], weight: number): CompareRow[] {
  return runs.flatMap((run) => {
    const smoothed = smoothDebiased(
      run.epochs.map((e) => e.validationLoss),
      weight,
    );
    return run.epochs.map((e, i) => ({ runId: run.id, epoch: e.epoch, validationLoss: e.validationLoss, smoothed: smoothed[i] }));
  });
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
 * Validation loss per epoch of several runs overlaid, a line with points per run in its own
 * colour and dash (`RunStyle`), the legend showing the run labels. With `smoothed`, the smoothed
 * curve is drawn solid over the raw one (faint). Non-finite losses (and non-positive ones on a log
 * scale) are left out.
 *
 * Dataset: `runs` (`CompareRow`). Axis titles: "epoch" and "validation loss".
 */
export function compareChartSpec(options: CompareChartOptions): TopLevelSpec {
  const theme = options.theme ?? DEFAULT_THEME;
  const ids = options.runs.map((run) => run.id);
  const defaults = runStyles(ids, theme.palette);
  const styles = options.runs.map((run) => run.style ?? defaults.get(run.id)!);
  const labels = Object.fromEntries(options.runs.map((run) => [run.id, run.label]));
  const logScale = options.logScale ?? false;
  const plotted = (field: string) => ({ filter: `isFinite(datum.${field})${logScale ? ` && datum.${field} > 0` : ''}` });
  const legend = {
    labelExpr: `${JSON.stringify(labels)}[datum.label]`,
    labelLimit: 240,
    orient: 'bottom' as const,
    direction: 'vertical' as const,
    symbolStrokeWidth: 2,
  };
  const encoding = (field: string) => ({
    x: { field: 'epoch', type: 'quantitative' as const, title: 'epoch', axis: spacedXAxis(options.width, true) },
    y: { field, type: 'quantitative' as const, title: 'validation loss', scale: logScale ? { type: 'log' as const } : { zero: false } },
    color: { field: 'runId', type: 'nominal' as const, title: 'run', scale: { domain: ids, range: styles.map((style) => style.color) }, legend },
    strokeDash: { field: 'runId', type: 'nominal' as const, title: 'run', scale: { domain: ids, range: styles.map((style) => style.dash) }, legend },
  });
  const tooltip = [
    { field: 'run', type: 'nominal' as const, title: 'run' },
    { field: 'epoch', type: 'quantitative' as const, title: 'epoch' },
    { field: 'validationLoss', type: 'quantitative' as const, title: 'validation loss', format: '.4~g' },
    ...(options.smoothed ? [{ field: 'smoothed', type: 'quantitative' as const, title: 'smoothed', format: '.4~g' }] : []),
  ];
  const main = options.smoothed ? 'smoothed' : 'validationLoss';
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...chartSizing(options, 240),
    config: themeConfig(theme),
    data: { name: 'runs' },
    transform: [{ filter: { field: 'runId', oneOf: ids } }, { calculate: `${JSON.stringify(labels)}[datum.runId]`, as: 'run' }],
    layer: [
      ...(options.smoothed
        ? [{ transform: [plotted('validationLoss')], mark: { type: 'line' as const, strokeWidth: 1, opacity: 0.3 }, encoding: encoding('validationLoss') }]
        : []),
      {
        transform: [plotted(main)],
        mark: { type: 'line', strokeWidth: 1.5, point: { size: 24, filled: true } },
        encoding: { ...encoding(main), tooltip },
      },
    ],
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
