/**
 * The inline charts' images: the sparkline and hover chart specs of `src/charts/editorCharts.ts`
 * rendered to SVG in the extension host and handed to the editor as `data:` URIs (strings). Each image is
 * rendered once per (run, data version, theme, kind) and shared by every editor that shows it.
 */
import * as vscode from 'vscode';
import { hoverChartSpec, sparklineSpec, type SparkRow } from '../../charts/editorCharts';
import { downsampleExtrema } from '../../charts/series';
import type { Datasets } from '../../charts/renderSvg';
import { DEFAULT_THEME, type ChartTheme } from '../../charts/theme';
import type { InlineRun } from './inlineRuns';
import type { TopLevelSpec } from 'vega-lite';

/** The sparkline's size in pixels: about one editor line high. */
export const SPARKLINE_SIZE = { width: 72, height: 14 } as const;
/** Points a sparkline draws at most. */
const SPARKLINE_POINTS = 120;
/** Images kept; the oldest go first. */
const CACHE_SIZE = 300;

const LIGHT: ChartTheme = { ...DEFAULT_THEME, background: 'transparent' };
const DARK: ChartTheme = {
  ...DEFAULT_THEME,
  foreground: '#e0e0e0',
  background: 'transparent',
  grid: '#454545',
  muted: '#9d9d9d',
  palette: ['#4fb3ff', '#ffa24f', '#6fd46f', '#ff6b6b', '#c39bff', '#c49c94', '#f7a8d8', '#b0b0b0', '#dbdb5c', '#4fdbe8'],
  diverging: ['#4393c3', '#3a3a3a', '#d6604d'],
};
const HIGH_CONTRAST_DARK: ChartTheme = {
  ...DARK,
  foreground: '#ffffff',
  grid: '#8a8a8a',
  muted: '#d0d0d0',
  palette: ['#4fc3ff', '#ffb000', ...DARK.palette.slice(2)],
};
const HIGH_CONTRAST_LIGHT: ChartTheme = {
  ...LIGHT,
  foreground: '#000000',
  grid: '#5a5a5a',
  muted: '#333333',
  palette: ['#0050a0', '#b34700', ...LIGHT.palette.slice(2)],
};

/** The chart theme matching a VS Code colour theme kind. */
export function chartThemeFor(kind: vscode.ColorThemeKind): ChartTheme {
  switch (kind) {
    case vscode.ColorThemeKind.Dark:
      return DARK;
    case vscode.ColorThemeKind.HighContrast:
      return HIGH_CONTRAST_DARK;
    case vscode.ColorThemeKind.HighContrastLight:
      return HIGH_CONTRAST_LIGHT;
    default:
      return LIGHT;
  }
}

/** The same theme with every mark in the muted colour: the look of a stale result. */
function dimmed(theme: ChartTheme): ChartTheme {
  return { ...theme, foreground: theme.muted, palette: theme.palette.map(() => theme.muted) };
}

export class InlineImages {
  private readonly cache = new Map<string, Promise<string | undefined>>();
  /** Renders done so far, for tests and the log. */
  renderCount = 0;

  constructor(
    private readonly render: (spec: TopLevelSpec, datasets: Datasets) => Promise<string>,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Forgets every image (the colour theme changed). */
  clear(): void {
    this.cache.clear();
  }

  /** The run's loss curve and baseline, `SPARKLINE_SIZE`, dimmed when `stale`; undefined without a plottable point. */
  sparkline(run: InlineRun, stale: boolean): Promise<string | undefined> {
    const series = run.steps.length > 0 ? run.steps : run.epochs.map((row) => ({ x: row.epoch, value: row.trainLoss }));
    if (!series.some((row) => Number.isFinite(row.value))) {
      return Promise.resolve(undefined);
    }
    return this.cached(`spark|${stale}`, run, (theme) => [
      sparklineSpec({ ...SPARKLINE_SIZE, theme: stale ? dimmed(theme) : theme }),
      { series: thin(series), baseline: run.baseline ? [run.baseline] : [] },
    ]);
  }

  /** Train and validation loss per epoch with the baseline and the best epoch; undefined before the first epoch. */
  hoverChart(run: InlineRun): Promise<string | undefined> {
    if (run.epochs.length === 0) {
      return Promise.resolve(undefined);
    }
    return this.cached('hover', run, (theme) => [
      hoverChartSpec({ theme, width: 300, height: 90 }),
      { epochs: run.epochs, baseline: run.baseline ? [run.baseline] : [] },
    ]);
  }

  private cached(kind: string, run: InlineRun, build: (theme: ChartTheme) => [TopLevelSpec, Datasets]): Promise<string | undefined> {
    const themeKind = vscode.window.activeColorTheme.kind;
    const key = `${kind}|${run.key}|${run.version}|${themeKind}`;
    const hit = this.cache.get(key);
    if (hit) {
      return hit;
    }
    const [spec, datasets] = build(chartThemeFor(themeKind));
    const image = this.render(spec, datasets).then(
      (svg) => {
        this.renderCount += 1;
        return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
      },
      (error: unknown) => {
        this.log.warn(`Inline chart of ${run.summary.id}: ${String(error)}`);
        return undefined;
      },
    );
    this.cache.set(key, image);
    if (this.cache.size > CACHE_SIZE) {
      this.cache.delete(this.cache.keys().next().value!);
    }
    return image;
  }
}

/** At most `SPARKLINE_POINTS` rows, spikes kept. */
function thin(rows: readonly SparkRow[]): SparkRow[] {
  return downsampleExtrema(rows, SPARKLINE_POINTS, 'value');
}
