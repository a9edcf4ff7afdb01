/**
 * The Loss view: train loss per step (raw and smoothed), per-epoch losses, the baseline, with
 * smoothing, log scale and x-axis (step, epoch, wall-clock) controls; and for classification and
 * token tasks the accuracy per epoch below it.
 */
import { accuracyChartSpec, downsampleExtrema, epochRow, LOSS_AXES, lossChartSpec, stepRows, type LossAxis } from '../../src/charts';
import type { EpochEvent } from '../../src/engine/events';
import type { PanelRunHeader, PanelStepRow } from '../../src/protocol';
import { ChartView } from '../chartView';
import { h, labelled, setOptions } from '../dom';
import { saveState } from '../host';
import { currentTheme } from '../theme';

/** The webview keeps at most this many step rows; beyond it they are thinned, keeping extrema. */
const MAX_ROWS = 4000;

const AXIS_LABELS: Record<LossAxis, string> = { step: 'step', epoch: 'epoch', time: 'wall-clock time' };

export class LossView {
  readonly element: HTMLElement;
  private readonly chart = new ChartView('loss', 'Training loss chart', true);
  private readonly accuracyChart = new ChartView('accuracy', 'Accuracy per epoch chart');
  private steps: PanelStepRow[] = [];
  private epochs: EpochEvent[] = [];
  private header?: PanelRunHeader;
  private readonly smoothingInput: HTMLInputElement;
  private readonly smoothingValue: HTMLOutputElement;
  private readonly logInput: HTMLInputElement;
  private readonly rateInput: HTMLInputElement;
  private readonly axisSelect = h('select', { id: 'loss-axis' });
  private visible = false;

  constructor(settings: { smoothing?: number; logScale?: boolean; lossAxis?: string; showLearningRate?: boolean }) {
    this.smoothingInput = h('input', { type: 'range', id: 'smoothing', min: 0, max: 0.999, step: 0.001, value: settings.smoothing ?? 0.6 });
    this.smoothingValue = h('output', { for: 'smoothing' }, this.smoothing.toFixed(3));
    this.logInput = h('input', { type: 'checkbox', id: 'log-scale', checked: settings.logScale ?? false });
    this.rateInput = h('input', { type: 'checkbox', id: 'show-learning-rate', checked: settings.showLearningRate ?? false });
    setOptions(
      this.axisSelect,
      LOSS_AXES.map((axis) => ({ value: axis, label: AXIS_LABELS[axis] })),
      LOSS_AXES.includes(settings.lossAxis as LossAxis) ? settings.lossAxis : 'step',
    );
    this.smoothingInput.addEventListener('input', () => {
      this.smoothingValue.textContent = this.smoothing.toFixed(3);
      saveState({ smoothing: this.smoothing });
      void this.chart.replace({ steps: this.stepRows() });
    });
    this.logInput.addEventListener('change', () => {
      saveState({ logScale: this.logInput.checked });
      void this.render();
    });
    this.rateInput.addEventListener('change', () => {
      saveState({ showLearningRate: this.rateInput.checked });
      void this.render();
    });
    this.axisSelect.addEventListener('change', () => {
      saveState({ lossAxis: this.axisSelect.value });
      void this.render();
    });
    this.accuracyChart.element.hidden = true;
    this.element = h(
      'section',
      { class: 'view', 'aria-label': 'Loss' },
      h(
        'div',
        { class: 'controls' },
        labelled('Smoothing', this.smoothingInput),
        this.smoothingValue,
        labelled('Log scale', this.logInput),
        labelled('Learning rate', this.rateInput),
        labelled('X axis', this.axisSelect),
      ),
      h(
        'p',
        { class: 'hint' },
        'Focus the chart (click or Tab) to zoom with the wheel and pan by dragging; double-click resets. Hover it to read every series.',
      ),
      this.chart.element,
      this.accuracyChart.element,
    );
  }

  private get smoothing(): number {
    return Number(this.smoothingInput.value);
  }

  /** The epochs of the run shown, as they came. */
  get epochEvents(): readonly EpochEvent[] {
    return this.epochs;
  }

  /** Shows a whole run. */
  load(header: PanelRunHeader, steps: PanelStepRow[], epochs: EpochEvent[]): void {
    this.header = header;
    this.steps = steps.slice();
    this.epochs = epochs.slice();
    if (this.visible) void this.render();
  }

  /** Appends a live run's progress. */
  append(header: PanelRunHeader, steps: PanelStepRow[], epochs: EpochEvent[]): void {
    // The baseline is known once the run's start event came, maybe after the first render.
    const newBaseline = !this.header?.baseline && header.baseline ? [header.baseline] : [];
    this.header = header;
    const last = this.steps.at(-1)?.step ?? 0;
    const fresh = steps.filter((row) => row.step > last);
    this.steps.push(...fresh);
    const newEpochs = epochs.filter((e) => !this.epochs.some((known) => known.epoch === e.epoch));
    this.epochs.push(...newEpochs);
    if (!this.visible) return;
    if (this.hasAccuracy !== !this.accuracyChart.element.hidden) {
      void this.render();
      return;
    }
    if (this.steps.length > MAX_ROWS) {
      this.steps = downsampleExtrema(this.steps, MAX_ROWS / 2, 'loss');
      void this.chart.replace(this.datasets());
      return;
    }
    const epochRows = newEpochs.map((e) => this.epochRow(e));
    // An epoch that ended gives its steps the epoch's losses (the crosshair's readout): all steps are sent again then.
    const rows = newEpochs.length > 0 ? this.stepRows() : this.stepRows().slice(this.steps.length - fresh.length);
    if (newEpochs.length > 0) void this.chart.replace({ steps: rows });
    void this.chart.insert({ steps: newEpochs.length > 0 ? [] : rows, epochs: epochRows, baseline: newBaseline });
    if (this.hasAccuracy) void this.accuracyChart.insert({ epochs: epochRows });
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible) void this.render();
  }

  render(): Promise<void> {
    const theme = currentTheme();
    const accuracy = this.hasAccuracy;
    this.accuracyChart.element.hidden = !accuracy;
    const xAxis = this.axisSelect.value as LossAxis;
    const loss = this.chart.render(
      lossChartSpec({
        theme,
        logScale: this.logInput.checked,
        xAxis,
        showLearningRate: this.rateInput.checked,
        width: this.chart.plotWidth(),
        height: accuracy ? this.chart.fillHeight(0.58, 200, 150) : this.chart.fillHeight(1, 240),
      }),
      this.datasets(),
    );
    if (!accuracy) return loss;
    // Below the loss chart, in the rest of the panel's height.
    const accuracyHeight = this.chart.fillHeight(0.42, 140, 170);
    const chart = accuracyChartSpec({ theme, width: this.accuracyChart.plotWidth(), height: accuracyHeight });
    return Promise.all([loss, this.accuracyChart.render(chart, { epochs: this.epochs.map((e) => this.epochRow(e)) })]).then(() => undefined);
  }

  /** Classification and token runs record a validation accuracy per epoch. */
  private get hasAccuracy(): boolean {
    return this.epochs.some((e) => e.validationAccuracy !== undefined);
  }

  private stepRows() {
    return stepRows(this.steps, this.smoothing, this.header?.stepsPerEpoch ?? 0, this.epochs);
  }

  private epochRow(event: EpochEvent) {
    const perEpoch = this.header?.stepsPerEpoch ?? 0;
    return epochRow(event, perEpoch > 0 ? event.epoch * perEpoch : (this.steps.at(-1)?.step ?? event.epoch));
  }

  private datasets() {
    return {
      steps: this.stepRows(),
      epochs: this.epochs.map((e) => this.epochRow(e)),
      baseline: this.header?.baseline ? [this.header.baseline] : [],
    };
  }
}
