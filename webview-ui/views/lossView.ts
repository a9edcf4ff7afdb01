/** The Loss view: train loss per step (raw and smoothed), per-epoch losses, the baseline; log scale and smoothing controls. */
import { downsampleExtrema, epochRow, lossChartSpec, stepRows } from '../../src/charts';
import type { EpochEvent } from '../../src/engine/events';
import type { PanelRunHeader, PanelStepRow } from '../../src/protocol';
import { ChartView } from '../chartView';
import { h, labelled } from '../dom';
import { saveState } from '../host';
import { currentTheme } from '../theme';

/** The webview keeps at most this many step rows; beyond it they are thinned, keeping extrema. */
const MAX_ROWS = 4000;

export class LossView {
  readonly element: HTMLElement;
  private readonly chart = new ChartView('loss', 'Training loss chart', true);
  private steps: PanelStepRow[] = [];
  private epochs: EpochEvent[] = [];
  private header?: PanelRunHeader;
  private readonly smoothingInput: HTMLInputElement;
  private readonly smoothingValue: HTMLOutputElement;
  private readonly logInput: HTMLInputElement;
  private visible = false;

  constructor(settings: { smoothing?: number; logScale?: boolean }) {
    this.smoothingInput = h('input', { type: 'range', id: 'smoothing', min: 0, max: 0.999, step: 0.001, value: settings.smoothing ?? 0.6 });
    this.smoothingValue = h('output', { for: 'smoothing' }, this.smoothing.toFixed(3));
    this.logInput = h('input', { type: 'checkbox', id: 'log-scale', checked: settings.logScale ?? false });
    this.smoothingInput.addEventListener('input', () => {
      this.smoothingValue.textContent = this.smoothing.toFixed(3);
      saveState({ smoothing: this.smoothing });
      void this.chart.replace({ steps: stepRows(this.steps, this.smoothing) });
    });
    this.logInput.addEventListener('change', () => {
      saveState({ logScale: this.logInput.checked });
      void this.render();
    });
    this.element = h(
      'section',
      { class: 'view', 'aria-label': 'Loss' },
      h('div', { class: 'controls' }, labelled('Smoothing', this.smoothingInput), this.smoothingValue, labelled('Log scale', this.logInput)),
      h('p', { class: 'hint' }, 'Focus the chart (click or Tab) to zoom with the wheel and pan by dragging; double-click resets.'),
      this.chart.element,
    );
  }

  private get smoothing(): number {
    return Number(this.smoothingInput.value);
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
    this.epochs.push(...epochs.filter((e) => !this.epochs.some((known) => known.epoch === e.epoch)));
    if (!this.visible) return;
    if (this.steps.length > MAX_ROWS) {
      this.steps = downsampleExtrema(this.steps, MAX_ROWS / 2, 'loss');
      void this.chart.replace(this.datasets());
      return;
    }
    const rows = stepRows(this.steps, this.smoothing).slice(this.steps.length - fresh.length);
    void this.chart.insert({ steps: rows, epochs: epochs.map((e) => this.epochRow(e)), baseline: newBaseline });
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible) void this.render();
  }

  render(): Promise<void> {
    return this.chart.render(lossChartSpec({ theme: currentTheme(), logScale: this.logInput.checked, width: this.chart.plotWidth() }), this.datasets());
  }

  private epochRow(event: EpochEvent) {
    const perEpoch = this.header?.stepsPerEpoch ?? 0;
    return epochRow(event, perEpoch > 0 ? event.epoch * perEpoch : (this.steps.at(-1)?.step ?? event.epoch));
  }

  private datasets() {
    return {
      steps: stepRows(this.steps, this.smoothing),
      epochs: this.epochs.map((e) => this.epochRow(e)),
      baseline: this.header?.baseline ? [this.header.baseline] : [],
    };
  }
}
