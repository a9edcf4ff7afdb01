/**
 * Charts for RNN Lab: pure functions from run data to Vega-Lite specs, shared by the experiment
 * panel (browser) and by editor images rendered to SVG in the extension host (`./renderSvg`,
 * Node only, deliberately not exported here).
 *
 * Every chart reads NAMED datasets, so the panel can stream rows into a live view with
 * `view.change(name, vega.changeset().insert(rows)).runAsync()` without re-rendering. Each
 * builder's doc comment lists its dataset names and row types. Specs re-measure their layout when
 * data arrive (`autosize.resize`), take their element's width unless given a number (see
 * `ChartSize`), and have tooltips on their marks.
 *
 * In a webview under a strict CSP (no `unsafe-eval`), embed with `vegaEmbed(el, spec, { ast: true })`.
 */
export type { ChartTheme } from './theme';
export { DEFAULT_THEME } from './theme';
export type { ChartSize } from './layout';

export { smoothDebiased, downsampleExtrema } from './series';

export type { StepRow, StepInput, EpochRow, BaselineRow, LossAxis, LossChartOptions } from './loss';
export { lossChartSpec, stepRows, epochRow, ZOOM_PARAM, CROSSHAIR_PARAM, LOSS_AXES, LOSS_SERIES } from './loss';

export type { AccuracyChartOptions } from './accuracy';
export { accuracyChartSpec } from './accuracy';

export type { HeatmapCellRow, InputFeatureRow, InputTokenRow, HiddenStateData, HiddenStateChartOptions } from './hiddenState';
export { hiddenStateChartSpec, hiddenStateData, probeDirection, probeDirections, quantityColorDomain, type ProbeDirection } from './hiddenState';

export type { GradientRow, GradientFlowChartOptions } from './gradientFlow';
export { gradientFlowChartSpec, gradientRowLabels, gradientRows, GRADIENT_LAYER_PARAM } from './gradientFlow';

export type { ForecastRow, SequenceRow, ConfusionRow, ForecastChartOptions, ConfusionChartOptions } from './predictions';
export { forecastScatterSpec, residualChartSpec, sequenceChartSpec, forecastRows, sequenceRows, confusionChartSpec, confusionRows } from './predictions';

export { accuracySentence, bestEpoch, epochCaption } from './epochFigures';

export type { ActivationSpan } from './activations';
export { activationSpans, activationColor } from './activations';

export type { CompareRow, CompareRun, CompareChartOptions, RunStyle } from './compare';
export { compareChartSpec, compareRows, runColor, runStyles, uniqueRunLabels, differingConfig, sortByBest } from './compare';

export type { SparkRow, SparklineOptions, HoverChartOptions } from './editorCharts';
export { sparklineSpec, hoverChartSpec } from './editorCharts';

export type { SweepAxisScale, SweepPointRow, SweepChartOptions } from './sweep';
export { sweepChartSpec, sweepAxisScale, sweepPointRows } from './sweep';

export type { EvidenceChart, EvidenceChartOptions } from './doctor';
export { evidenceChart } from './doctor';
