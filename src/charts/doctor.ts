/**
 * The doctor's evidence drawn: for a finding whose evidence holds a series, a small chart with
 * the point that matters marked — the gradient flow with its decay, the losses with the best
 * epoch, the train loss that oscillates or stalls. Findings with only numbers get no chart.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Finding } from '../engine/doctor/types';
import { chartSizing, type ChartSize, VEGA_LITE_SCHEMA } from './layout';
import { DEFAULT_THEME, themeConfig, type ChartTheme } from './theme';

export interface EvidenceChart {
  spec: TopLevelSpec;
  /** Dataset `evidence`: `{ x, y, series }`; dataset `marks`: `{ x, label }`. */
  data: { evidence: { x: number; y: number; series: string }[]; marks: { x: number; label: string }[] };
}

export interface EvidenceChartOptions extends ChartSize {
  theme?: ChartTheme;
}

function series(values: unknown): number[] | undefined {
  return Array.isArray(values) && values.every((v) => typeof v === 'number') ? (values as number[]) : undefined;
}

function chart(
  finding: Finding,
  rows: EvidenceChart['data']['evidence'],
  marks: EvidenceChart['data']['marks'],
  axes: { x: string; y: string; log: boolean },
  options: EvidenceChartOptions,
): EvidenceChart {
  const theme = options.theme ?? DEFAULT_THEME;
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    ...chartSizing(options, 120),
    config: themeConfig(theme),
    description: `Evidence for ${finding.code}`,
    layer: [
      {
        data: { name: 'evidence' },
        transform: axes.log ? [{ filter: 'isFinite(datum.y) && datum.y > 0' }] : [{ filter: 'isFinite(datum.y)' }],
        mark: { type: 'line', strokeWidth: 1.5, point: { size: 12 } },
        encoding: {
          x: { field: 'x', type: 'quantitative', title: axes.x, scale: { nice: false }, axis: { tickMinStep: 1 } },
          y: {
            field: 'y',
            type: 'quantitative',
            title: axes.y,
            scale: axes.log ? { type: 'log' } : { zero: false },
            axis: axes.log ? { format: '.0e', tickCount: 4 } : { tickCount: 4 },
          },
          color: { field: 'series', type: 'nominal', title: null, scale: { range: [...theme.palette] }, legend: { orient: 'top', direction: 'horizontal' } },
          tooltip: [
            { field: 'series', type: 'nominal' },
            { field: 'x', type: 'quantitative', title: axes.x },
            { field: 'y', type: 'quantitative', title: axes.y, format: '.3e' },
          ],
        },
      },
      {
        data: { name: 'marks' },
        layer: [
          { mark: { type: 'rule', strokeDash: [4, 3], color: theme.palette[3] ?? theme.foreground }, encoding: { x: { field: 'x', type: 'quantitative' } } },
          {
            mark: { type: 'text', align: 'left', baseline: 'top', dx: 4, dy: 2, color: theme.foreground },
            encoding: { x: { field: 'x', type: 'quantitative' }, y: { value: 0 }, text: { field: 'label' } },
          },
        ],
      },
    ],
  };
  return { spec, data: { evidence: rows, marks } };
}

/** The chart of a finding's evidence, or undefined when it has no series to draw. */
export function evidenceChart(finding: Finding, options: EvidenceChartOptions = {}): EvidenceChart | undefined {
  const e = finding.evidence;
  const gradient = series(e.gradientNorms);
  if (gradient) {
    const last = gradient.length - 1;
    const rows = gradient.map((y, t) => ({ x: t + 1, y, series: '‖∂L/∂hₜ‖' }));
    const ratio = typeof e.ratio === 'number' ? e.ratio.toExponential(0) : '';
    return chart(finding, rows, [{ x: 1, label: `step 1 / step ${last + 1}: ${ratio}` }], { x: 'time step', y: '‖∂L/∂hₜ‖', log: true }, options);
  }
  const validation = series(e.validationLosses);
  const train = series(e.trainLosses);
  if (validation || train) {
    const rows = [
      ...(train ?? []).map((y, i) => ({ x: i + 1, y, series: 'train' })),
      ...(validation ?? []).map((y, i) => ({ x: i + 1, y, series: 'validation' })),
    ];
    const marks = typeof e.bestEpoch === 'number' ? [{ x: e.bestEpoch, label: `best epoch ${e.bestEpoch}` }] : [];
    return chart(finding, rows, marks, { x: 'epoch', y: 'loss', log: false }, options);
  }
  return undefined;
}
