/** The Hidden state view: a probe's units × time heatmap with its input above, and an epoch slider over the recorded probes. */
import { hiddenStateChartSpec, hiddenStateData, probeDirections, type ProbeDirection } from '../../src/charts';
import type { ProbeEvent, ProbeQuantity } from '../../src/engine/events';
import { QUANTITIES, quantityLabel } from '../../src/engine/model/cellDescriptions';
import { ChartView, type Datasets } from '../chartView';
import { h, labelled, setOptions } from '../dom';
import { saveState } from '../host';
import { currentTheme } from '../theme';

export interface HiddenStateSettings {
  layer?: number;
  /** A bidirectional model's direction shown. */
  direction?: string;
  quantity?: string;
  sample?: number;
  /** The epoch the user chose with the slider; the views follow the newest probe while it is undefined. */
  probeEpoch?: number;
}

export class HiddenStateView {
  readonly element: HTMLElement;
  private readonly chart = new ChartView('hidden-state', 'Hidden state heatmap, units by time step');
  private readonly layerSelect = h('select', { id: 'layer' });
  private readonly directionSelect = h('select', { id: 'direction' });
  private readonly directionControl = labelled('Direction', this.directionSelect);
  private readonly sampleSelect = h('select', { id: 'sample' });
  private readonly quantitySelect = h('select', { id: 'quantity' });
  private readonly epochInput = h('input', { type: 'range', id: 'probe-epoch', min: 0, max: 0, step: 1, value: 0 });
  private readonly epochValue = h('output', { for: 'probe-epoch' }, '–');
  private readonly empty = h('p', { class: 'empty' }, 'No probe recorded yet: probes are taken at the end of epochs.');
  private probeEpochs: number[] = [];
  private probe?: ProbeEvent;
  private visible = false;

  constructor(
    private readonly settings: HiddenStateSettings,
    /** Asks the host for a probe epoch. */
    private readonly requestProbe: (epoch: number) => void,
  ) {
    for (const select of [this.layerSelect, this.directionSelect, this.sampleSelect, this.quantitySelect]) {
      select.addEventListener('change', () => {
        this.settings.layer = Number(this.layerSelect.value);
        this.settings.direction = this.directionSelect.value;
        this.settings.sample = Number(this.sampleSelect.value);
        this.settings.quantity = this.quantitySelect.value;
        saveState({ layer: this.settings.layer, direction: this.settings.direction, sample: this.settings.sample, quantity: this.settings.quantity });
        void this.render();
      });
    }
    this.epochInput.addEventListener('input', () => {
      const epoch = this.probeEpochs[Number(this.epochInput.value)];
      if (epoch === undefined) return;
      this.epochValue.textContent = `epoch ${epoch}`;
      // The newest epoch means "follow the newest" again.
      this.settings.probeEpoch = epoch === this.probeEpochs.at(-1) ? undefined : epoch;
      saveState({ probeEpoch: this.settings.probeEpoch });
      this.requestProbe(epoch);
    });
    this.element = h(
      'section',
      { class: 'view', 'aria-label': 'Hidden state' },
      h(
        'div',
        { class: 'controls' },
        labelled('Layer', this.layerSelect),
        this.directionControl,
        labelled('Sample', this.sampleSelect),
        labelled('Quantity', this.quantitySelect),
        labelled('Probe epoch', this.epochInput),
        this.epochValue,
      ),
      this.empty,
      this.chart.element,
    );
  }

  /** The epochs that have probes; a live run adds to them. */
  setProbeEpochs(epochs: number[]): void {
    this.probeEpochs = epochs.slice();
    this.epochInput.max = String(Math.max(0, epochs.length - 1));
    this.epochInput.disabled = epochs.length < 2;
    this.syncSlider();
  }

  /** The probe the panel shows now (the Predictions view gets the same). */
  get shownProbe(): ProbeEvent | undefined {
    return this.probe;
  }

  /** The epoch the views should show: the one the user chose if the run has it, else the newest. */
  wantedEpoch(): number | undefined {
    const chosen = this.settings.probeEpoch;
    return chosen !== undefined && this.probeEpochs.includes(chosen) ? chosen : this.probeEpochs.at(-1);
  }

  /** Whether a probe that arrived should be shown: the chosen epoch's, else any as new as the shown one. */
  wants(epoch: number): boolean {
    const chosen = this.settings.probeEpoch;
    if (chosen !== undefined && this.probeEpochs.includes(chosen)) return epoch === chosen;
    return this.probe === undefined || epoch >= this.probe.epoch;
  }

  /** Another run is shown: the slider's choice was about the previous one. */
  followNewest(): void {
    this.settings.probeEpoch = undefined;
    saveState({ probeEpoch: undefined });
  }

  setProbe(probe: ProbeEvent): void {
    this.probe = probe;
    const layers = [...new Set(probe.layers.map((l) => l.layer))];
    const directions = probeDirections(probe);
    setOptions(
      this.directionSelect,
      directions.map((direction) => ({ value: direction, label: direction })),
      directions.includes(this.settings.direction as ProbeDirection) ? this.settings.direction : directions[0],
    );
    this.directionControl.hidden = directions.length < 2;
    setOptions(
      this.layerSelect,
      layers.map((l) => ({ value: String(l), label: `layer ${l}` })),
      String(layers.includes(this.settings.layer ?? -1) ? this.settings.layer : layers[0]),
    );
    setOptions(
      this.sampleSelect,
      probe.samples.map((s, i) => ({ value: String(i), label: `validation sample ${s}` })),
      String(Math.min(this.settings.sample ?? 0, probe.samples.length - 1)),
    );
    const layer = probe.layers.find((l) => l.layer === Number(this.layerSelect.value));
    const quantities = Object.keys(layer?.quantities ?? {}) as ProbeQuantity[];
    setOptions(
      this.quantitySelect,
      quantities.map((q) => ({ value: q, label: QUANTITIES[q] ? quantityLabel(q) : q })),
      quantities.includes(this.settings.quantity as ProbeQuantity) ? this.settings.quantity : quantities[0],
    );
    this.syncSlider();
    if (this.visible) void this.render();
  }

  clear(): void {
    this.probe = undefined;
    this.probeEpochs = [];
    this.syncSlider();
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible) void this.render();
  }

  private syncSlider(): void {
    const index = this.probeEpochs.indexOf(this.probe?.epoch ?? -1);
    this.epochInput.value = String(Math.max(0, index));
    this.epochValue.textContent = this.probe ? `epoch ${this.probe.epoch} of ${this.probeEpochs.at(-1) ?? this.probe.epoch}` : '–';
    this.empty.hidden = this.probe !== undefined;
    this.chart.element.hidden = this.probe === undefined;
  }

  private render(): Promise<void> {
    const probe = this.probe;
    if (!probe) return Promise.resolve();
    const quantity = (this.quantitySelect.value || 'h') as ProbeQuantity;
    const direction = (this.directionSelect.value || 'forward') as ProbeDirection;
    const data = hiddenStateData(probe, Number(this.sampleSelect.value || 0), Number(this.layerSelect.value || 0), quantity, direction);
    const input = data.tokens.length > 0 ? 'tokens' : data.inputs.length > 0 ? 'dense' : 'none';
    const inputRows: Datasets = input === 'tokens' ? { tokens: data.tokens } : input === 'dense' ? { inputs: data.inputs } : {};
    return this.chart.render(hiddenStateChartSpec({ quantity, input, absMax: data.absMax, theme: currentTheme(), width: this.chart.plotWidth(190) }), {
      cells: data.cells,
      ...inputRows,
    });
  }
}
