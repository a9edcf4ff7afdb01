/** The Compare view: chosen runs' validation curves overlaid, the config keys that differ, and a summary table sortable by best value. */
import { compareChartSpec, differingConfig, runColor } from '../../src/charts';
import type { PanelCompareRun, PanelRunItem } from '../../src/protocol';
import { ChartView } from '../chartView';
import { formatDuration, formatPercent, formatValue } from '../../src/engine/format';
import { h } from '../dom';
import { currentTheme } from '../theme';

type SortKey = 'best' | 'accuracy' | 'label';

export class CompareView {
  readonly element: HTMLElement;
  private readonly chart = new ChartView('compare', 'Validation loss of the compared runs');
  private readonly choices = h('fieldset', { class: 'run-choices' }, h('legend', {}, 'Runs to compare'));
  private readonly configTable = h('div');
  private readonly summaryTable = h('div');
  private readonly empty = h('p', { class: 'empty' }, 'Choose two or more runs to compare.');
  private runs: PanelRunItem[] = [];
  private data: PanelCompareRun[] = [];
  private sortKey: SortKey = 'best';
  private visible = false;

  constructor(
    private chosen: string[],
    private readonly request: (runIds: string[]) => void,
  ) {
    this.element = h(
      'section',
      { class: 'view', 'aria-label': 'Compare runs' },
      this.choices,
      this.empty,
      this.chart.element,
      h('h2', {}, 'Configuration that differs'),
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

  /** The experiment's runs, to choose from; the latest few are chosen when nothing is. */
  setRuns(runs: PanelRunItem[]): void {
    this.runs = runs.filter((run) => !run.id.startsWith('queued-'));
    const known = new Set(this.runs.map((run) => run.id));
    this.chosen = this.chosen.filter((id) => known.has(id));
    if (this.chosen.length === 0) this.chosen = this.runs.slice(0, 4).map((run) => run.id);
    const theme = currentTheme();
    this.choices.replaceChildren(
      h('legend', {}, 'Runs to compare'),
      ...this.runs.map((run) => {
        const box = h('input', { type: 'checkbox', id: `compare-${run.id}`, checked: this.chosen.includes(run.id) });
        box.addEventListener('change', () => {
          this.chosen = this.runs.filter((r) => (r.id === run.id ? box.checked : this.chosen.includes(r.id))).map((r) => r.id);
          this.request(this.chosen);
        });
        const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
        swatch.style.backgroundColor = runColor(run.id, theme.palette);
        return h('span', { class: 'field' }, box, h('label', { for: `compare-${run.id}` }, swatch, `${run.label} (${run.status})`));
      }),
    );
    if (this.visible) this.request(this.chosen);
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

  private render(): Promise<void> {
    const runs = this.data;
    this.empty.hidden = runs.length > 0;
    this.chart.element.hidden = runs.length === 0;
    this.renderConfig(runs);
    this.renderSummary(runs);
    if (runs.length === 0) return Promise.resolve();
    const rows = runs.flatMap((run) => run.epochs.map((e) => ({ runId: run.id, epoch: e.epoch, validationLoss: e.validationLoss })));
    return this.chart.render(compareChartSpec({ runs: runs.map(({ id, label }) => ({ id, label })), theme: currentTheme(), width: this.chart.plotWidth(260) }), { runs: rows });
  }

  private renderConfig(runs: PanelCompareRun[]): void {
    const keys = differingConfig(Object.fromEntries(runs.map((run) => [run.id, run.config])));
    if (keys.length === 0) {
      this.configTable.replaceChildren(h('p', { class: 'note' }, runs.length > 1 ? 'The compared runs have the same configuration.' : ''));
      return;
    }
    this.configTable.replaceChildren(
      h(
        'table',
        { 'aria-label': 'Configuration keys that differ between the runs' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'key'), ...runs.map((run) => h('th', { scope: 'col' }, run.label)))),
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
        h('thead', {}, h('tr', {}, header('run', 'label'), header('status'), header('best validation loss', 'best'), header('best epoch'), header('best accuracy', 'accuracy'), header('duration'))),
        h(
          'tbody',
          {},
          ...sorted.map((run) =>
            h(
              'tr',
              {},
              h('td', {}, run.label),
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
