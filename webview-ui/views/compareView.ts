/**
 * The Compare view: chosen runs' validation curves overlaid (each run its own colour and dash,
 * smoothing as in the Loss view), the config keys that differ, and a summary table sortable by best
 * value. A run that starts while the view knows the run list is ticked.
 */
import { compareChartSpec, compareRows, differingConfig, runStyles, uniqueRunLabels, type RunStyle } from '../../src/charts';
import type { PanelCompareRun, PanelRunItem } from '../../src/protocol';
import { ChartView } from '../chartView';
import { formatDuration, formatPercent, formatValue } from '../../src/engine/format';
import { h, labelled } from '../dom';
import { saveState } from '../host';
import { currentTheme } from '../theme';

type SortKey = 'best' | 'accuracy' | 'label';

export class CompareView {
  readonly element: HTMLElement;
  private readonly chart = new ChartView('compare', 'Validation loss of the compared runs');
  private readonly choices = h('fieldset', { class: 'run-choices' }, h('legend', {}, 'Runs to compare'));
  private readonly configHeading = h('h2', {}, 'Configuration that differs');
  private readonly configTable = h('div', { class: 'config-table' });
  private readonly summaryTable = h('div', { class: 'summary-table' });
  private readonly smoothingInput: HTMLInputElement;
  private readonly smoothingValue: HTMLOutputElement;
  private readonly empty = h('p', { class: 'empty' }, 'Choose two or more runs to compare.');
  private runs: PanelRunItem[] = [];
  private data: PanelCompareRun[] = [];
  private sortKey: SortKey = 'best';
  private visible = false;
  /** The run ids of the last run list, to tick runs that are new in the next one. */
  private known?: Set<string>;

  constructor(
    private chosen: string[],
    private readonly request: (runIds: string[]) => void,
    smoothing = 0,
  ) {
    this.smoothingInput = h('input', { type: 'range', id: 'compare-smoothing', min: 0, max: 0.99, step: 0.01, value: smoothing });
    this.smoothingValue = h('output', { for: 'compare-smoothing' }, this.smoothing.toFixed(2));
    this.smoothingInput.addEventListener('input', () => {
      this.smoothingValue.textContent = this.smoothing.toFixed(2);
      saveState({ compareSmoothing: this.smoothing });
      if (this.visible) void this.render();
    });
    this.element = h(
      'section',
      { class: 'view', 'aria-label': 'Compare runs' },
      this.choices,
      h('div', { class: 'controls' }, labelled('Smoothing', this.smoothingInput), this.smoothingValue),
      this.empty,
      this.chart.element,
      this.configHeading,
      this.configTable,
      h('h2', {}, 'Summary'),
      this.summaryTable,
    );
  }

  /** Ticks exactly these runs (those of the run list, once it is known). */
  choose(runIds: string[]): void {
    this.chosen = runIds.slice();
    if (this.runs.length > 0) this.setRuns(this.runs);
  }

  private get smoothing(): number {
    return Number(this.smoothingInput.value);
  }

  /**
   * The experiment's runs, to choose from; the latest few are chosen when nothing is, and a run
   * new since the last list (one that Train again just started) is ticked.
   */
  setRuns(runs: PanelRunItem[]): void {
    this.runs = runs.filter((run) => !run.id.startsWith('queued-'));
    const ids = new Set(this.runs.map((run) => run.id));
    const previous = this.known;
    this.known = ids;
    const started = previous ? this.runs.filter((run) => !previous.has(run.id)).map((run) => run.id) : [];
    this.chosen = [...started, ...this.chosen.filter((id) => ids.has(id) && !started.includes(id))];
    if (this.chosen.length === 0) this.chosen = this.runs.slice(0, 4).map((run) => run.id);
    const styles = this.styles();
    const labels = uniqueRunLabels(this.runs);
    this.choices.replaceChildren(
      h('legend', {}, 'Runs to compare'),
      ...this.runs.map((run) => {
        const box = h('input', { type: 'checkbox', id: `compare-${run.id}`, checked: this.chosen.includes(run.id) });
        box.addEventListener('change', () => {
          this.chosen = this.runs.filter((r) => (r.id === run.id ? box.checked : this.chosen.includes(r.id))).map((r) => r.id);
          this.request(this.chosen);
        });
        return h(
          'span',
          { class: 'field' },
          box,
          h('label', { for: `compare-${run.id}` }, swatch(styles.get(run.id)), `${labels.get(run.id)} (${run.status})`),
        );
      }),
    );
    if (this.visible || started.length > 0) this.request(this.chosen);
  }

  /**
   * Every listed run's style, oldest run first (the list is newest first), so that a run keeps its
   * colour as others are ticked and as new runs come.
   */
  private styles(): Map<string, RunStyle> {
    return runStyles(this.runs.map((run) => run.id).reverse(), currentTheme().palette);
  }

  setData(runs: PanelCompareRun[]): void {
    this.data = runs;
    if (this.visible) void this.render();
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible) {
      this.request(this.chosen);
    }
  }

  /** The compared runs' legend labels: unique among the runs of the list (see `uniqueRunLabels`). */
  private labels(runs: PanelCompareRun[]): Map<string, string> {
    const listed = uniqueRunLabels([...this.runs, ...runs.filter((run) => !this.runs.some((r) => r.id === run.id))]);
    return new Map(runs.map((run) => [run.id, listed.get(run.id) ?? run.label]));
  }

  private render(): Promise<void> {
    const runs = this.data;
    this.empty.hidden = runs.length > 0;
    this.chart.element.hidden = runs.length === 0;
    const labels = this.labels(runs);
    this.renderConfig(runs, labels);
    this.renderSummary(runs);
    if (runs.length === 0) return Promise.resolve();
    const styles = this.styles();
    const spec = compareChartSpec({
      runs: runs.map(({ id }) => ({ id, label: labels.get(id)!, style: styles.get(id) })),
      smoothed: this.smoothing > 0,
      theme: currentTheme(),
      width: this.chart.plotWidth(),
      height: this.chart.fillHeight(0.6, 200),
    });
    return this.chart.render(spec, { runs: compareRows(runs, this.smoothing) });
  }

  private renderConfig(runs: PanelCompareRun[], labels: Map<string, string>): void {
    // One run has nothing to differ from: no heading, no table.
    this.configHeading.hidden = runs.length < 2;
    const keys = runs.length < 2 ? [] : differingConfig(Object.fromEntries(runs.map((run) => [run.id, run.config])));
    if (keys.length === 0) {
      this.configTable.replaceChildren(...(runs.length > 1 ? [h('p', { class: 'note' }, 'The compared runs have the same configuration.')] : []));
      return;
    }
    this.configTable.replaceChildren(
      h(
        'table',
        { 'aria-label': 'Configuration keys that differ between the runs' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'key'), ...runs.map((run) => h('th', { scope: 'col' }, labels.get(run.id))))),
        h('tbody', {}, ...keys.map((key) => h('tr', {}, h('th', { scope: 'row' }, key), ...runs.map((run) => h('td', {}, run.config[key] ?? '–'))))),
      ),
    );
  }

  private renderSummary(runs: PanelCompareRun[]): void {
    const value = (run: PanelCompareRun): number | string =>
      this.sortKey === 'label' ? run.label : this.sortKey === 'accuracy' ? -(run.bestValidationAccuracy ?? -Infinity) : (run.bestValidationLoss ?? Infinity);
    const sorted = [...runs].sort((a, b) => {
      const x = value(a);
      const y = value(b);
      return typeof x === 'string' ? x.localeCompare(String(y)) : x - (y as number);
    });
    const header = (label: string, key?: SortKey) => {
      if (!key) return h('th', { scope: 'col' }, label);
      const button = h('button', { type: 'button', 'aria-label': `Sort by ${label}` }, label + (this.sortKey === key ? ' ▲' : ''));
      button.addEventListener('click', () => {
        this.sortKey = key;
        this.renderSummary(this.data);
      });
      return h('th', { scope: 'col', 'aria-sort': this.sortKey === key ? 'ascending' : undefined }, button);
    };
    this.summaryTable.replaceChildren(
      h(
        'table',
        { 'aria-label': 'Summary of the compared runs' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            header('run', 'label'),
            header('status'),
            header('best validation loss', 'best'),
            header('best epoch'),
            header('best accuracy', 'accuracy'),
            header('duration'),
          ),
        ),
        h(
          'tbody',
          {},
          ...sorted.map((run) =>
            h(
              'tr',
              {},
              h('td', {}, this.labels([run]).get(run.id)),
              h('td', {}, run.status),
              h('td', { class: 'number' }, formatValue(run.bestValidationLoss)),
              h('td', { class: 'number' }, run.bestEpoch === undefined ? '-' : String(run.bestEpoch)),
              h('td', { class: 'number' }, formatPercent(run.bestValidationAccuracy)),
              h('td', { class: 'number' }, formatDuration(run.durationMs)),
            ),
          ),
        ),
      ),
    );
  }
}

/** A run's colour as a small line, dashed like its curve past the palette. */
function swatch(style: RunStyle | undefined): HTMLElement {
  const element = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  if (style) {
    element.style.borderTopColor = style.color;
    element.style.borderTopStyle = style.dash.length > 0 ? 'dashed' : 'solid';
  }
  return element;
}
