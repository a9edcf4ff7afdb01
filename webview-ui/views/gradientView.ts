/** The Gradient flow view: ‖∂L/∂h_t‖ against the time step, a line per recorded epoch, for one layer. */
import { gradientFlowChartSpec, gradientRows } from '../../src/charts';
import type { PanelGradientFlow } from '../../src/protocol';
import { ChartView } from '../chartView';
import { h, labelled, setOptions } from '../dom';
import { currentTheme } from '../theme';

export class GradientView {
  readonly element: HTMLElement;
  private readonly chart = new ChartView('gradient-flow', 'Gradient flow chart: gradient norm by time step, one line per epoch');
  private readonly layerSelect = h('select', { id: 'gradient-layer' });
  private readonly empty = h('p', { class: 'empty' }, 'No gradient flow recorded yet: probes are taken at the end of epochs.');
  private flows: PanelGradientFlow[] = [];
  private visible = false;

  constructor() {
    this.layerSelect.addEventListener('change', () => void this.render());
    this.element = h(
      'section',
      { class: 'view', 'aria-label': 'Gradient flow' },
      h('div', { class: 'controls' }, labelled('Layer', this.layerSelect)),
      this.empty,
      this.chart.element,
    );
    this.sync();
  }

  load(flows: PanelGradientFlow[]): void {
    this.flows = flows.slice();
    this.sync();
    if (this.visible) void this.render();
  }

  append(flows: PanelGradientFlow[]): void {
    if (flows.length === 0) return;
    const wasEmpty = this.flows.length === 0;
    this.flows.push(...flows);
    this.sync();
    if (!this.visible) return;
    if (wasEmpty || !this.chart.isRendered) void this.render();
    else void this.chart.insert({ gradients: flows.flatMap((flow) => gradientRows({ epoch: flow.epoch, gradientNorms: flow.norms, steps: flow.steps })) });
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible) void this.render();
  }

  private sync(): void {
    const rows = this.flows.at(-1)?.rows ?? [];
    const selected = this.layerSelect.value || '0';
    setOptions(
      this.layerSelect,
      rows.map((label, row) => ({ value: String(row), label })),
      selected,
    );
    this.empty.hidden = this.flows.length > 0;
    this.chart.element.hidden = this.flows.length === 0;
  }

  private render(): Promise<void> {
    if (this.flows.length === 0) return Promise.resolve();
    const layer = Number(this.layerSelect.value || 0);
    const rows = this.flows.flatMap((flow) => gradientRows({ epoch: flow.epoch, gradientNorms: flow.norms, steps: flow.steps }));
    return this.chart.render(gradientFlowChartSpec({ theme: currentTheme(), layer, width: this.chart.plotWidth(150) }), { gradients: rows });
  }
}
