/**
 * The experiment panel's app: a header with the run's progress and commands, a run picker, and
 * tabs with the Loss, Hidden state, Gradient flow, Predictions, Compare and Sweep views. Everything it
 * shows arrives from the host as `ToWebviewMessage`s.
 */
import {
  FromWebviewType,
  ToWebviewType,
  type FocusMessage,
  type PanelRunHeader,
  type PanelRunItem,
  type PanelState,
  type PanelView,
  type ToWebviewMessage,
} from '../src/protocol';
import { formatDuration, formatPercent, formatStepsPerSecond, formatValue } from '../src/engine/format';
import { h, labelled, setOptions } from './dom';
import { postToHost, saveState, savedState } from './host';
import { watchTheme } from './theme';
import { CompareView } from './views/compareView';
import { DoctorStrip } from './views/doctorStrip';
import { GradientView } from './views/gradientView';
import { HiddenStateView } from './views/hiddenStateView';
import { LossView } from './views/lossView';
import { PredictionsView } from './views/predictionsView';
import { SweepView } from './views/sweepView';

type TabId = PanelView;

const TABS: { id: TabId; label: string }[] = [
  { id: 'loss', label: 'Loss' },
  { id: 'hidden', label: 'Hidden state' },
  { id: 'gradient', label: 'Gradient flow' },
  { id: 'predictions', label: 'Predictions' },
  { id: 'compare', label: 'Compare' },
  { id: 'sweep', label: 'Sweep' },
];

const state: Partial<PanelState> = savedState();

const title = h('h1', {}, 'RNN Lab');
const status = h('span', { class: 'status', role: 'status' }, 'loading…');
const notice = h('span', { class: 'notice', role: 'alert' });
const progress = h('span', { class: 'progress' });
const runSelect = h('select', { id: 'run' });
const button = (label: string, onClick: () => void, secondary = false) => {
  const element = h('button', { type: 'button', class: secondary ? 'secondary' : undefined }, label);
  element.addEventListener('click', onClick);
  return element;
};
const stopButton = button('Stop', () => postToHost({ type: FromWebviewType.Command, command: 'stop' }));
const trainButton = button('Train again', () => postToHost({ type: FromWebviewType.Command, command: 'train' }));
const specButton = button('Open spec', () => postToHost({ type: FromWebviewType.Command, command: 'openSpec' }), true);
const csvButton = button('Export CSV', () => shownRun && postToHost({ type: FromWebviewType.SaveMetrics, runId: shownRun.id }), true);

const hidden = new HiddenStateView(state, (epoch) => shownRun && requestProbe(shownRun.id, epoch));
const views = {
  loss: new LossView(state),
  hidden,
  gradient: new GradientView(),
  predictions: new PredictionsView((temperature) => shownRun && postToHost({ type: FromWebviewType.Generate, runId: shownRun.id, temperature })),
  compare: new CompareView(
    state.compare ?? [],
    (runIds) => {
      saveState({ compare: runIds });
      postToHost({ type: FromWebviewType.RequestCompare, runIds });
    },
    state.compareSmoothing,
  ),
  sweep: new SweepView(
    (groupId) => {
      saveState({ sweepGroup: groupId });
      postToHost({ type: FromWebviewType.RequestSweep, groupId });
    },
    (runId) => {
      restoring = false;
      saveState({ runId });
      postToHost({ type: FromWebviewType.SelectRun, runId });
      selectTab('loss');
    },
  ),
};

const doctor = new DoctorStrip();

let shownRun: PanelRunHeader | undefined;
/** When the header arrived: a live run's elapsed time goes on from it. */
let headerTime = 0;
let restoring = state.runId !== undefined;
let probeEpochs: number[] = [];
/** The probe epoch asked of the host and not yet received. */
let requestedEpoch: number | undefined;

function requestProbe(runId: string, epoch: number): void {
  requestedEpoch = epoch;
  postToHost({ type: FromWebviewType.RequestProbe, runId, epoch });
}

/** Asks for the probe the views should show when it is neither shown nor on its way (so the final one always arrives). */
function ensureWantedProbe(runId: string): void {
  const wanted = hidden.wantedEpoch();
  if (wanted !== undefined && wanted !== hidden.shownProbe?.epoch && wanted !== requestedEpoch) requestProbe(runId, wanted);
}

const tabButtons = TABS.map((tab) => {
  const element = h('button', { type: 'button', role: 'tab', id: `tab-${tab.id}`, 'aria-controls': `view-${tab.id}`, class: 'tab' }, tab.label);
  element.addEventListener('click', () => selectTab(tab.id));
  element.addEventListener('keydown', (event) => {
    const index = TABS.findIndex((t) => t.id === tab.id);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step !== 0) {
      const next = TABS[(index + step + TABS.length) % TABS.length];
      selectTab(next.id);
      document.getElementById(`tab-${next.id}`)?.focus();
    }
  });
  return element;
});

const panels = TABS.map((tab) => {
  const panel = h('div', { role: 'tabpanel', id: `view-${tab.id}`, 'aria-labelledby': `tab-${tab.id}`, class: 'tabpanel' }, views[tab.id].element);
  return panel;
});

function selectTab(id: TabId): void {
  saveState({ view: id });
  TABS.forEach((tab, i) => {
    const selected = tab.id === id;
    tabButtons[i].setAttribute('aria-selected', String(selected));
    tabButtons[i].tabIndex = selected ? 0 : -1;
    panels[i].hidden = !selected;
  });
  TABS.forEach((tab) => views[tab.id].show(tab.id === id));
}

runSelect.addEventListener('change', () => {
  restoring = false;
  saveState({ runId: runSelect.value });
  postToHost({ type: FromWebviewType.SelectRun, runId: runSelect.value });
});

document
  .getElementById('app')!
  .append(
    h(
      'header',
      {},
      h('div', { class: 'title-row' }, title, status, notice),
      h('div', { class: 'progress-row' }, progress),
      h('div', { class: 'toolbar' }, labelled('Run', runSelect), stopButton, trainButton, specButton, csvButton),
    ),
    doctor.element,
    h('nav', { role: 'tablist', 'aria-label': 'Views' }, ...tabButtons),
    ...panels,
  );

function renderHeader(): void {
  const run = shownRun;
  stopButton.disabled = !run?.live;
  csvButton.disabled = !run || run.id.startsWith('queued-');
  if (!run) {
    status.textContent = 'no runs yet: press Train again, or ▶ Train above the spec';
    progress.textContent = '';
    return;
  }
  title.textContent = run.name;
  status.textContent = run.reason && !run.live ? `${run.status}: ${run.reason}` : run.status;
  status.dataset.status = run.status;
  const elapsed = run.live && run.status === 'running' ? run.elapsedMs + (Date.now() - headerTime) : run.elapsedMs;
  progress.textContent = [
    `epoch ${run.epoch}/${run.epochs}`,
    `step ${run.step}${run.stepsPerEpoch ? ` (${run.stepsPerEpoch} per epoch)` : ''}`,
    formatDuration(elapsed),
    formatStepsPerSecond(run.stepsPerSecond),
    run.engine,
    run.cell ? run.cell.toUpperCase() : undefined,
    run.dataFile ? `data ${run.dataFile}` : undefined,
  ]
    .filter((part) => part !== undefined)
    .join(' · ');
}

function setHeader(header: PanelRunHeader): void {
  shownRun = header;
  doctor.load(header.findings ?? []);
  headerTime = Date.now();
  renderHeader();
}

function runLabel(run: PanelRunItem): string {
  const best =
    run.bestValidationAccuracy !== undefined ? `best acc ${formatPercent(run.bestValidationAccuracy)}` : `best val ${formatValue(run.bestValidationLoss)}`;
  return `${run.label} · ${run.status}${run.live ? ' (live)' : ''} · ${best}`;
}

let noticeTimer: number | undefined;
/** A note from the host, shown for a few seconds. */
function showNotice(text: string): void {
  notice.textContent = text;
  clearTimeout(noticeTimer);
  noticeTimer = window.setTimeout(() => (notice.textContent = ''), 8000);
}

/** The host brings a view, a run and compare ticks forward (before it sends the run it names). */
function focus(message: FocusMessage): void {
  if (message.runId !== undefined) {
    restoring = false;
    saveState({ runId: message.runId });
  }
  if (message.compareRunIds) {
    saveState({ compare: message.compareRunIds });
    views.compare.choose(message.compareRunIds);
  }
  const view = TABS.find((tab) => tab.id === message.view)?.id;
  if (view) selectTab(view);
}

function receive(message: ToWebviewMessage): void {
  switch (message.type) {
    case ToWebviewType.Init:
      saveState({ specUri: message.specUri });
      title.textContent = message.experiment;
      return;
    case ToWebviewType.RunList: {
      setOptions(
        runSelect,
        message.runs.map((run) => ({ value: run.id, label: runLabel(run) })),
        message.selected,
      );
      views.compare.setRuns(message.runs);
      if (message.runs.length === 0) {
        shownRun = undefined;
        renderHeader();
      }
      if (restoring && state.runId && state.runId !== message.selected && message.runs.some((run) => run.id === state.runId)) {
        postToHost({ type: FromWebviewType.SelectRun, runId: state.runId });
      }
      restoring = false;
      return;
    }
    case ToWebviewType.RunLoaded: {
      const changed = shownRun?.id !== message.header.id;
      // A reloaded panel keeps the slider's choice for the run it showed; another run follows its newest probe.
      if (changed && shownRun !== undefined) hidden.followNewest();
      setHeader(message.header);
      runSelect.value = message.header.id;
      probeEpochs = message.probeEpochs.slice();
      views.loss.load(message.header, message.steps, message.epochs);
      views.predictions.setEpochs(views.loss.epochEvents);
      views.gradient.load(message.gradients);
      if (changed) {
        hidden.clear();
        views.predictions.clear();
      }
      hidden.setProbeEpochs(probeEpochs);
      // The host sends the newest probe with a loaded run.
      requestedEpoch = probeEpochs.at(-1);
      ensureWantedProbe(message.header.id);
      return;
    }
    case ToWebviewType.RunProgress:
      if (shownRun && shownRun.id !== message.header.id) return;
      setHeader(message.header);
      views.loss.append(message.header, message.steps, message.epochs);
      views.predictions.setEpochs(views.loss.epochEvents);
      views.gradient.append(message.gradients);
      if (message.probeEpochs.length > 0) {
        probeEpochs.push(...message.probeEpochs.filter((e) => !probeEpochs.includes(e)));
        hidden.setProbeEpochs(probeEpochs);
      }
      ensureWantedProbe(message.header.id);
      return;
    case ToWebviewType.Probe:
      if (shownRun?.id !== message.runId) return;
      if (requestedEpoch === message.probe.epoch) requestedEpoch = undefined;
      if (!probeEpochs.includes(message.probe.epoch)) {
        // A live run's new probe comes before the progress update that lists it.
        probeEpochs = [...probeEpochs, message.probe.epoch].sort((a, b) => a - b);
        hidden.setProbeEpochs(probeEpochs);
      }
      if (hidden.wants(message.probe.epoch)) {
        hidden.setProbe(message.probe);
        views.predictions.setProbe(message.probe);
      }
      return;
    case ToWebviewType.Compare:
      views.compare.setData(message.runs);
      return;
    case ToWebviewType.Generated:
      if (shownRun?.id === message.runId) views.predictions.setGenerated(message.generated, message.note);
      return;
    case ToWebviewType.Focus:
      focus(message);
      return;
    case ToWebviewType.Notice:
      showNotice(message.text);
      return;
    case ToWebviewType.SweepSummary:
      views.sweep.setData(message.groups, message.sweep);
      return;
    default:
      // Every message type has its case: a new one does not compile until it is handled here.
      message satisfies never;
  }
}

window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => receive(event.data));
/** Draws the shown view again: after a theme change, or once a resize settles. */
function redrawShownView(): void {
  const shown = TABS.find((_, i) => !panels[i].hidden)?.id ?? 'loss';
  views[shown].show(true);
}
let resizeTimer: number | undefined;
watchTheme(redrawShownView);
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(redrawShownView, 250);
});
setInterval(() => shownRun?.live && renderHeader(), 1000);
selectTab(TABS.some((tab) => tab.id === state.view) ? (state.view as TabId) : 'loss');
postToHost({ type: FromWebviewType.Ready });
if (state.sweepGroup) postToHost({ type: FromWebviewType.RequestSweep, groupId: state.sweepGroup });
