/**
 * The Predictions view, by task: forecasts against targets, a classifier's confusion matrix and
 * accuracy, or a language model's generated text coloured by one unit's activation.
 */
import { activationColor, activationSpans, confusionChartSpec, confusionRows, forecastChartSpec, forecastRows } from '../../src/charts';
import type { GeneratedText, ProbeEvent } from '../../src/engine/events';
import { formatPercent } from '../../src/engine/format';
import { ChartView } from '../chartView';
import { h, labelled, setOptions } from '../dom';
import { saveState, savedState } from '../host';
import { currentTheme } from '../theme';

export class PredictionsView {
  readonly element: HTMLElement;
  private readonly chart = new ChartView('predictions', 'Predictions chart');
  private readonly summary = h('p', { class: 'note' });
  private readonly empty = h('p', { class: 'empty' }, 'No predictions recorded yet: probes are taken at the end of epochs.');
  private readonly unitSelect = h('select', { id: 'unit' });
  private readonly temperatureInput = h('input', { type: 'number', id: 'temperature', min: 0.1, max: 2, step: 0.1, value: 0.7 });
  private readonly generateButton = h('button', { type: 'button' }, 'Generate');
  private readonly text = h('div', { class: 'generated', 'aria-label': 'Generated text, coloured by the unit activation' });
  private readonly textNote = h('p', { class: 'note' });
  private readonly textSection: HTMLElement;
  private probe?: ProbeEvent;
  private generated?: GeneratedText;
  private visible = false;

  constructor(generate: (temperature: number) => void) {
    this.generateButton.addEventListener('click', () => generate(Number(this.temperatureInput.value) || 0.7));
    this.unitSelect.addEventListener('change', () => {
      saveState({ unit: Number(this.unitSelect.value) });
      this.renderText();
    });
    this.textSection = h(
      'div',
      {},
      h('div', { class: 'controls' }, labelled('Colour by unit', this.unitSelect), labelled('Temperature', this.temperatureInput), this.generateButton),
      this.text,
      this.textNote,
    );
    this.element = h('section', { class: 'view', 'aria-label': 'Predictions' }, this.summary, this.empty, this.chart.element, this.textSection);
    this.sync();
  }

  setProbe(probe: ProbeEvent): void {
    this.probe = probe;
    this.generated = probe.generated;
    this.textNote.textContent = probe.generated ? `Sampled at the end of epoch ${probe.epoch}, temperature ${probe.generated.temperature}.` : '';
    this.sync();
    if (this.visible) void this.render();
  }

  setGenerated(generated: GeneratedText | undefined, note: string | undefined): void {
    if (generated) this.generated = generated;
    this.textNote.textContent = note ? `${note[0].toUpperCase()}${note.slice(1)}.` : '';
    this.sync();
    this.renderText();
  }

  clear(): void {
    this.probe = undefined;
    this.generated = undefined;
    this.sync();
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible) void this.render();
  }

  private sync(): void {
    const kind = this.probe?.predictions.kind;
    this.empty.hidden = this.probe !== undefined;
    this.chart.element.hidden = kind !== 'forecast' && kind !== 'classify';
    this.textSection.hidden = this.generated === undefined;
    const activations = this.generated?.activations ?? [];
    const unit = Math.min(savedState().unit ?? liveliestUnit(activations), Math.max(0, activations.length - 1));
    setOptions(this.unitSelect, activations.map((_, u) => ({ value: String(u), label: `unit ${u}` })), String(unit));
  }

  private render(): Promise<void> {
    this.renderText();
    const predictions = this.probe?.predictions;
    const theme = currentTheme();
    switch (predictions?.kind) {
      case 'forecast':
        this.summary.textContent = `Targets and predictions on ${predictions.targets.length} validation samples, epoch ${this.probe!.epoch}.`;
        return this.chart.render(forecastChartSpec({ theme, width: this.chart.plotWidth(150) }), { forecast: forecastRows(predictions) });
      case 'classify':
        this.summary.textContent = `Validation accuracy ${formatPercent(predictions.accuracy)} at epoch ${this.probe!.epoch}.`;
        return this.chart.render(confusionChartSpec({ classes: predictions.classes, accuracy: predictions.accuracy, theme }), { confusion: confusionRows(predictions) });
      case 'tokens': {
        const counted = predictions.labels.flat().length;
        const correct = predictions.labels.flatMap((row, s) => row.filter((label, t) => predictions.predicted[s]?.[t] === label)).length;
        this.summary.textContent = `Next-character accuracy on the probed samples: ${formatPercent(counted ? correct / counted : undefined)} at epoch ${this.probe!.epoch}.`;
        return Promise.resolve();
      }
      default:
        this.summary.textContent = '';
        return Promise.resolve();
    }
  }

  private renderText(): void {
    const generated = this.generated;
    if (!generated) {
      this.text.replaceChildren();
      return;
    }
    const theme = currentTheme();
    const unit = Number(this.unitSelect.value || 0);
    this.text.replaceChildren(
      ...activationSpans(generated.text, generated.activations, unit).map((span) => {
        const element = h('span', { title: Number.isFinite(span.value) ? `unit ${unit}: ${span.value.toFixed(3)}` : undefined }, span.char);
        element.style.backgroundColor = activationColor(span.value, theme);
        return element;
      }),
    );
  }
}

/** The unit whose activation varies most over the text: the most telling one to colour by first. */
function liveliestUnit(activations: readonly (readonly number[])[]): number {
  let best = 0;
  let bestVariance = -1;
  activations.forEach((series, unit) => {
    const finite = series.filter(Number.isFinite);
    const mean = finite.reduce((sum, v) => sum + v, 0) / Math.max(1, finite.length);
    const variance = finite.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(1, finite.length);
    if (variance > bestVariance) {
      best = unit;
      bestVariance = variance;
    }
  });
  return best;
}
