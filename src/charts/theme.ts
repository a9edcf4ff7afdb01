/**
 * Chart colours and fonts. Every chart takes a `ChartTheme`; the panel fills it from VS Code's
 * CSS variables (so light, dark and high-contrast themes all work), Node rendering and tests use
 * `DEFAULT_THEME`. No chart hard-codes a colour: they all come from here.
 */
import type { Config } from 'vega-lite';

export interface ChartTheme {
  /** Text and primary marks. */
  foreground: string;
  background: string;
  /** Grid lines, axis lines and ticks. */
  grid: string;
  /** Secondary text: axis labels, annotations, faint curves. */
  muted: string;
  fontFamily: string;
  /** Base font size in pixels; titles are a little larger. */
  fontSize: number;
  /** Categorical colours, at least 8: series, runs, features. */
  palette: readonly string[];
  /** Diverging colours for signed values: [negative, zero, positive]. Sequential ramps use [zero, positive]. */
  diverging: readonly [negative: string, zero: string, positive: string];
}

/** A neutral light theme for Node rendering (editor images, exports) and tests. */
export const DEFAULT_THEME: ChartTheme = {
  foreground: '#1f1f1f',
  background: '#ffffff',
  grid: '#e0e0e0',
  muted: '#6e6e6e',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Ubuntu, sans-serif',
  fontSize: 11,
  palette: ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'],
  diverging: ['#2166ac', '#f7f7f7', '#b2182b'],
};

/** The Vega-Lite `config` block that applies a theme to a chart. */
export function themeConfig(theme: ChartTheme): Config {
  const text = { font: theme.fontFamily, fontSize: theme.fontSize };
  return {
    background: theme.background,
    font: theme.fontFamily,
    view: { stroke: null },
    axis: {
      domainColor: theme.grid,
      gridColor: theme.grid,
      tickColor: theme.grid,
      labelColor: theme.muted,
      titleColor: theme.foreground,
      labelFont: theme.fontFamily,
      titleFont: theme.fontFamily,
      labelFontSize: theme.fontSize,
      titleFontSize: theme.fontSize,
      titleFontWeight: 'normal',
    },
    legend: {
      labelColor: theme.foreground,
      titleColor: theme.foreground,
      labelFont: theme.fontFamily,
      titleFont: theme.fontFamily,
      labelFontSize: theme.fontSize,
      titleFontSize: theme.fontSize,
      gradientStrokeColor: theme.grid,
    },
    title: { color: theme.foreground, font: theme.fontFamily, fontSize: theme.fontSize + 2, fontWeight: 'normal', anchor: 'start' },
    text: { color: theme.foreground, ...text },
    mark: { color: theme.palette[0] },
    range: { category: [...theme.palette] },
  };
}
