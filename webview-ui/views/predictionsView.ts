/**
 * The Predictions view, by task: a forecast's predictions against targets (scatter with y = x,
 * residuals, one validation sequence continued by its forecast) in the data's units; a classifier's
 * confusion matrix; a language model's generated text coloured by one unit's activation. Every
 * figure says which epoch it comes from, and whether that is the best or the last.
 */
import {
  accuracySentence,
  activationColor,
  activationSpans,
  confusionChartSpec,
  confusionRows,
  epochCaption,
  forecastRows,
  forecastScatterSpec,
  residualChartSpec,
  sequenceChartSpec,
  sequenceRows,
} from '../../src/charts';
import type { EpochEvent, GeneratedText, ProbeEvent } from '../../src/engine/events';
import { ChartView } from '../chartView';
import { h, labelled, setOptions } from '../dom';
import { saveState, savedState } from '../host';
import { currentTheme } from '../theme';

export class PredictionsView {
  readonly element: HTMLElement;
  private readonly chart = new ChartView('predictions', 'Predictions chart');
  private readonly residuals = new ChartView('residuals', 'Residuals chart: prediction minus target by target');
  private readonly sequence = new ChartView('sequence', 'One validation sequence continued by its forecast');
  private readonly sequenceSelect = h('select', { id: 'forecast-sample' });
  private readonly sequenceSection: HTMLElement;
  private readonly summary = h('p', { class: 'note', 'data-summary': 'predictions' });
  private readonly empty = h('p', { class: 'empty' }, 'No predictions recorded yet: probes are taken at the end of epochs.');
  private readonly unitSelect = h('select', { id: 'unit' });
  private readonly temperatureInput = h('input', { type: 'number', id: 'temperature', min: 0.1, max: 2, step: 0.1, value: 0.7 });
  private readonly generateButton = h('button', { type: 'button' }, 'Generate');
  private readonly text = h('div', { class: 'generated', 'aria-label': 'Generated text, coloured by the unit activation' });
  private readonly textNote = h('p', { class: 'note' });
  private readonly textSection: HTMLElement;
  private probe?: ProbeEvent;
  private generated?: GeneratedText;
  private epochs: readonly EpochEvent[] = [];
  private visible = false;

  constructor(generate: (temperature: number) => void) {
    this.sequenceSelect.addEventListener('change', () => void this.renderSequence());
    this.sequenceSection = h(
      'div',
      {},
      h('h2', {}, 'One validation sequence and its forecast'),
      h('div', { class: 'controls' }, labelled('Sequence', this.sequenceSelect)),
      this.sequence.element,
    );
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
    this.element = h(
      'section',
      { class: 'view', 'aria-label': 'Predictions' },
      this.summary,
      this.empty,
      h('div', { class: 'chart-grid' }, this.chart.element, this.residuals.element),
      this.sequenceSection,
      this.textSection,
    );
    this.sync();
  }

  setProbe(probe: ProbeEvent): void {
    this.probe = probe;
    this.generated = probe.generated;
    this.textNote.textContent = probe.generated ? `Sampled at the end of epoch ${probe.epoch}, temperature ${probe.generated.temperature}.` : '';
    this.sync();
    if (this.visible) void this.render();
  }

  /** The shown run's epochs: where the accuracy figures and "best or last" come from. */
  setEpochs(epochs: readonly EpochEvent[]): void {
    this.epochs = epochs;
    if (this.visible && this.probe) this.renderSummary();
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
    this.residuals.element.hidden = kind !== 'forecast';
    // A sequence needs the target among the inputs, at every step (a decimated probe keeps only some).
    const forecast = this.probe?.predictions.kind === 'forecast' ? this.probe.predictions : undefined;
    const sequences = forecast?.targetFeature !== undefined && this.probe!.steps === undefined ? this.probe!.samples : [];
    this.sequenceSection.hidden = sequences.length === 0;
    setOptions(
      this.sequenceSelect,
      sequences.map((sample, i) => ({ value: String(i), label: `validation sample ${sample}` })),
      String(Math.min(Number(this.sequenceSelect.value || 0), Math.max(0, sequences.length - 1))),
    );
    this.textSection.hidden = this.generated === undefined;
    const activations = this.generated?.activations ?? [];
    const unit = Math.min(savedState().unit ?? liveliestUnit(activations), Math.max(0, activations.length - 1));
    setOptions(
      this.unitSelect,
      activations.map((_, u) => ({ value: String(u), label: `unit ${u}` })),
      String(unit),
    );
  }

  private render(): Promise<void> {
    this.renderText();
    this.renderSummary();
    const predictions = this.probe?.predictions;
    const theme = currentTheme();
    switch (predictions?.kind) {
      case 'forecast': {
        const name = predictions.target ?? 'value';
        const data = { forecast: forecastRows(predictions) };
        const width = this.chart.plotWidth();
        return Promise.all([
          this.chart.render(forecastScatterSpec({ theme, name, width, height: width }), data),
          this.residuals.render(residualChartSpec({ theme, name, width: this.residuals.plotWidth(), height: 180 }), data),
          this.renderSequence(),
        ]).then(() => undefined);
      }
      case 'classify':
        return this.chart.render(
          confusionChartSpec({
            classes: predictions.classes,
            accuracy: predictions.accuracy,
            caption: this.epochCaption(),
            theme,
            cellSize: this.cellSize(predictions.classes.length),
          }),
          { confusion: confusionRows(predictions) },
        );
      default:
        return Promise.resolve();
    }
  }

  private renderSequence(): Promise<void> {
    const probe = this.probe;
    if (!probe || probe.predictions.kind !== 'forecast' || this.sequenceSection.hidden) return Promise.resolve();
    const sample = Number(this.sequenceSelect.value || 0);
    const inputs = (probe.inputs as number[][][])[sample] ?? [];
    const spec = sequenceChartSpec({ theme: currentTheme(), name: probe.predictions.target ?? 'value', width: this.sequence.plotWidth(), height: 200 });
    return this.sequence.render(spec, { sequence: sequenceRows(probe.predictions, inputs, sample) });
  }

  /** Where the probe's figures come from: "epoch 9 (last)". */
  private epochCaption(): string {
    return epochCaption(this.epochs, this.probe!.epoch);
  }

  /**
   * One sentence of figures, each with its epoch: the probe epoch's validation accuracy (over the
   * whole validation split, as the run list reports it) and the best epoch's when that is another one.
   */
  private renderSummary(): void {
    const probe = this.probe;
    const predictions = probe?.predictions;
    if (!probe || !predictions) {
      this.summary.textContent = '';
      return;
    }
    if (predictions.kind === 'forecast') {
      const units = predictions.scale ? "in the data's units" : 'as the data gives them';
      this.summary.textContent = `Predictions against targets on ${predictions.targets.length} validation samples, ${units}, at ${this.epochCaption()}.`;
      return;
    }
    this.summary.textContent = accuracySentence(predictions.kind, this.epochs, probe.epoch, predictions.kind === 'classify' ? predictions.accuracy : undefined);
  }

  /** Confusion cells that fit the panel: up to 64 px, at least 28 px. */
  private cellSize(classes: number): number {
    return Math.max(28, Math.min(64, Math.floor((this.chart.plotWidth() - 120) / Math.max(1, classes))));
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
