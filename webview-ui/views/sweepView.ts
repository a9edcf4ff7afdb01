/**
 * The Sweep view: the runs of one sweep by their swept values in a sortable table (the best run
 * highlighted, a row click shows the run), and the best validation loss against each swept key.
 */
import { sweepAxisScale, sweepChartSpec, sweepPointRows } from '../../src/charts';
import { formatDuration, formatPercent, formatSweepValue, formatValue } from '../../src/engine/format';
import { describeSweepProgress, sweepProgress } from '../../src/engine/runs/sweepProgress';
import type { PanelSweep, PanelSweepGroup, PanelSweepRun } from '../../src/protocol';
import { ChartView } from '../chartView';
import { h, labelled, setOptions } from '../dom';
import { currentTheme } from '../theme';

/** A table column: `#`, a swept key, or one of the run's results. */
type Column = { id: string; label: string; numeric: boolean; value: (run: PanelSweepRun) => number | string | undefined; text: (run: PanelSweepRun) => string };

export class SweepView {
  readonly element: HTMLElement;
  private readonly groupSelect = h('select', { id: 'sweep-group' });
  private readonly groupField = labelled('Sweep', this.groupSelect);
  private readonly overview = h('p', { class: 'note', role: 'status' });
  private readonly empty = h('p', { class: 'empty' });
  private readonly table = h('div', { class: 'sweep-table' });
  private readonly charts = h('div', { class: 'sweep-charts' });
  private readonly chartHeading = h('h2', {}, 'Best validation loss by swept value');
  /** One chart per swept key, kept while the key stays, with the layout it was drawn with. */
  private chartViews = new Map<string, { view: ChartView; layout: string }>();
  private groups: PanelSweepGroup[] = [];
  private sweep?: PanelSweep;
  private sort: { column: string; ascending: boolean } = { column: 'index', ascending: true };
  private visible = false;

  constructor(
    private readonly chooseGroup: (groupId: string) => void,
    private readonly showRun: (runId: string) => void,
  ) {
    this.groupSelect.addEventListener('change', () => this.chooseGroup(this.groupSelect.value));
    this.element = h(
      'section',
      { class: 'view', 'aria-label': 'Sweep summary' },
      h('div', { class: 'controls' }, this.groupField, this.overview),
      this.empty,
      this.table,
      this.chartHeading,
      this.charts,
    );
    this.setData([], undefined);
  }

  setData(groups: PanelSweepGroup[], sweep: PanelSweep | undefined): void {
    this.groups = groups;
    this.sweep = sweep;
    if (this.visible) void this.render();
  }

  show(visible: boolean): void {
    this.visible = visible;
    if (visible) void this.render();
  }

  private render(): Promise<void> {
    const sweep = this.sweep;
    this.groupField.hidden = this.groups.length < 2;
    setOptions(
      this.groupSelect,
      this.groups.map((group) => ({ value: group.id, label: `${new Date(group.startedAt).toLocaleString()} · ${group.count} runs` })),
      sweep?.groupId,
    );
    this.empty.hidden = sweep !== undefined;
    this.chartHeading.hidden = sweep === undefined;
    if (!sweep) {
      this.empty.textContent =
        'This experiment has no sweep yet. Add a "sweep" to the spec (e.g. "sweep": { "model.cell": ["rnn", "lstm"] }) and use ▶ Train sweep: its runs are summarised here.';
      this.overview.textContent = '';
      this.table.replaceChildren();
      this.charts.replaceChildren();
      this.chartViews.clear();
      return Promise.resolve();
    }
    this.overview.textContent = describe(sweep);
    this.renderTable(sweep);
    return this.renderCharts(sweep);
  }

  private columns(sweep: PanelSweep): Column[] {
    const withAccuracy = sweep.runs.some((run) => run.bestValidationAccuracy !== undefined);
    const keyColumn = (key: string): Column => ({
      id: `key:${key}`,
      label: key,
      numeric: sweep.runs.every((run) => typeof run.values[key] === 'number'),
      value: (run) => (typeof run.values[key] === 'number' ? (run.values[key] as number) : formatSweepValue(run.values[key])),
      text: (run) => (key in run.values ? formatSweepValue(run.values[key]) : '–'),
    });
    return [
      { id: 'index', label: '#', numeric: true, value: (run) => run.index, text: (run) => String(run.index + 1) },
      ...sweep.keys.map(keyColumn),
      { id: 'status', label: 'status', numeric: false, value: (run) => run.status, text: (run) => run.status },
      { id: 'loss', label: 'best val loss', numeric: true, value: (run) => run.bestValidationLoss, text: (run) => formatValue(run.bestValidationLoss) },
      ...(withAccuracy
        ? [
            {
              id: 'accuracy',
              label: 'best val acc',
              numeric: true,
              value: (run: PanelSweepRun) => run.bestValidationAccuracy,
              text: (run: PanelSweepRun) => formatPercent(run.bestValidationAccuracy),
            },
          ]
        : []),
      {
        id: 'epochs',
        label: 'epochs',
        numeric: true,
        value: (run) => run.epochsDone,
        text: (run) => (run.epochsPlanned ? `${run.epochsDone}/${run.epochsPlanned}` : String(run.epochsDone)),
      },
      {
        id: 'duration',
        label: 'duration',
        numeric: true,
        value: (run) => run.durationMs,
        text: (run) => (run.status === 'queued' || run.status === 'cancelled' ? '–' : formatDuration(run.durationMs)),
      },
    ];
  }

  private renderTable(sweep: PanelSweep): void {
    const columns = this.columns(sweep);
    const column = columns.find((c) => c.id === this.sort.column) ?? columns[0];
    const sorted = sortRuns(sweep.runs, column.value, this.sort.ascending);
    const header = (c: Column) => {
      const active = c.id === column.id;
      const button = h('button', { type: 'button', 'aria-label': `Sort by ${c.label}` }, c.label + (active ? (this.sort.ascending ? ' ▲' : ' ▼') : ''));
      button.addEventListener('click', () => {
        this.sort = { column: c.id, ascending: active ? !this.sort.ascending : true };
        this.renderTable(sweep);
      });
      return h(
        'th',
        { scope: 'col', class: c.numeric ? 'number' : undefined, 'aria-sort': active ? (this.sort.ascending ? 'ascending' : 'descending') : undefined },
        button,
      );
    };
    const row = (run: PanelSweepRun) => {
      const best = run.id === sweep.bestRunId;
      const recorded = !run.id.startsWith('queued-');
      const tr = h(
        'tr',
        {
          class: [best ? 'best' : '', recorded ? 'clickable' : ''].join(' ').trim() || undefined,
          tabindex: recorded ? 0 : undefined,
          'data-run': run.id,
          title: recorded ? `Show ${run.label} in the Loss view` : undefined,
        },
        ...columns.map((c, i) =>
          h(
            'td',
            { class: c.numeric ? 'number' : undefined },
            i === 0 && best ? h('span', { class: 'best-badge', title: 'lowest best validation loss' }, '★ ') : undefined,
            c.text(run),
          ),
        ),
      );
      if (recorded) {
        tr.addEventListener('click', () => this.showRun(run.id));
        tr.addEventListener('keydown', (event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            this.showRun(run.id);
          }
        });
      }
      return tr;
    };
    this.table.replaceChildren(
      h('table', { 'aria-label': 'Runs of the sweep by swept value' }, h('thead', {}, h('tr', {}, ...columns.map(header))), h('tbody', {}, ...sorted.map(row))),
      h('p', { class: 'hint' }, 'Click a column header to sort; click a run to show it in the Loss view.'),
    );
  }

  private async renderCharts(sweep: PanelSweep): Promise<void> {
    const theme = currentTheme();
    const runs = sweep.runs.map((run) => ({ id: run.id, label: run.label, values: run.values, metric: run.bestValidationLoss }));
    const metrics = runs.flatMap((run) => (run.metric !== undefined && Number.isFinite(run.metric) ? [run.metric] : []));
    const logMetric = sweepAxisScale(metrics) === 'log';
    for (const key of [...this.chartViews.keys()]) {
      if (!sweep.keys.includes(key)) this.chartViews.delete(key);
    }
    const views = sweep.keys.map((key) => {
      let entry = this.chartViews.get(key);
      if (!entry) {
        entry = { view: new ChartView(`sweep-${key.replace(/[^A-Za-z0-9_-]+/g, '-')}`, `Best validation loss by ${key}`), layout: '' };
        this.chartViews.set(key, entry);
      }
      return entry;
    });
    this.charts.replaceChildren(...views.map((entry) => entry.view.element));
    await Promise.all(
      sweep.keys.map((key, i) => {
        const entry = views[i];
        const scale = sweepAxisScale(sweep.runs.map((run) => run.values[key]));
        const categories = [...new Set(sweep.runs.map((run) => (scale === 'nominal' ? formatSweepValue(run.values[key]) : (run.values[key] as number))))];
        const data = { points: sweepPointRows(runs, key, scale, sweep.bestRunId) };
        const width = entry.view.plotWidth(100);
        const layout = JSON.stringify({ scale, categories, logMetric, width, theme });
        if (layout === entry.layout && entry.view.isRendered) return entry.view.replace(data);
        entry.layout = layout;
        return entry.view.render(sweepChartSpec({ key, scale, categories, logMetric, theme, width, height: 150 }), data);
      }),
    );
  }
}

/** `Sweep 4/6 done · 1 training · 1 queued · best model.cell=lstm (0.0123)`. */
function describe(sweep: PanelSweep): string {
  const best = sweep.runs.find((run) => run.id === sweep.bestRunId);
  const deleted = sweep.count - sweep.runs.length;
  const progress = describeSweepProgress({ ...sweepProgress(sweep.runs.map((run) => run.status)), count: sweep.count });
  return [progress, deleted > 0 ? `${deleted} deleted` : undefined, best ? `best: ${best.label} (val ${formatValue(best.bestValidationLoss)})` : undefined]
    .filter((part) => part !== undefined)
    .join(' · ');
}

/** Runs sorted by a column's value; runs without one go last, ties keep the grid order. */
function sortRuns(runs: readonly PanelSweepRun[], value: (run: PanelSweepRun) => number | string | undefined, ascending: boolean): PanelSweepRun[] {
  const direction = ascending ? 1 : -1;
  return [...runs].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    const missing =
      Number(x === undefined || (typeof x === 'number' && !Number.isFinite(x))) - Number(y === undefined || (typeof y === 'number' && !Number.isFinite(y)));
    if (missing !== 0) return missing;
    const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true });
    return direction * order || a.index - b.index;
  });
}
