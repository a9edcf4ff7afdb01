/**
 * The host side of one experiment panel: answers the webview's messages, loads runs from the
 * run store, follows a live run and streams its progress to the webview at most five times a
 * second.
 */
import { writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { EpochEvent, TrainEvent } from '../../engine/events';
import { readAnnotations } from '../../engine/runs/annotations';
import { runMetricsText } from '../../engine/runs/exportRun';
import { RUN_FILES } from '../../engine/runs/layout';
import { specRunsDir } from '../../engine/runs/legacyRuns';
import { listRuns, readRun } from '../../engine/runs/runReader';
import {
  FromWebviewType,
  ToWebviewType,
  type FromWebviewMessage,
  type GeneratedMessage,
  type PanelGradientFlow,
  type PanelRequest,
  type PanelRunItem,
  type PanelStepRow,
  type PanelView,
  type ProbeMessage,
  type ReplyTo,
  type RunLoadedMessage,
  type SweepSummaryMessage,
  type ToWebviewMessage,
} from '../../protocol';
import { readSettings, runsRootFor } from '../config';
import { generateInWorker } from './panelGeneration';
import {
  capGenerated,
  capProbe,
  compareRunOfRecord,
  gradientFlow,
  headerOfLiveRun,
  headerOfRecord,
  historyOfRecord,
  itemOfLiveRun,
  itemOfSummary,
  latestProbe,
  liveRunId,
  MAX_STEP_ROWS_PER_UPDATE,
  probeIndex,
  readProbe,
  stepRow,
  sweepMemberOfLiveRun,
  thinSteps,
} from './panelData';
import { panelHtml, panelResourceRoots } from './panelHtml';
import { parseWebviewMessage } from './panelMessages';
import { CoalescedCall } from '../coalescedCall';
import type { RunManager } from '../training/runManager';
import { sweepOverview } from '../training/sweepSummary';
import type { TrainingRun } from '../training/trainingRun';

/** Live updates go out at most this often. */
export const UPDATE_INTERVAL_MS = 200;
/** The sweep summary of a live sweep goes out at most this often (it reads every run's summary). */
export const SWEEP_UPDATE_INTERVAL_MS = 1000;

/** What a panel should bring forward when it is shown. */
export interface PanelFocus {
  view?: PanelView;
  /** The run to show, by its folder name (run id). */
  runId?: string;
  /** Runs to tick in the Compare view (run ids); brings the Compare view forward. */
  compareRunIds?: string[];
}

/** What a live run did since the last update. */
interface PendingProgress {
  steps: PanelStepRow[];
  epochs: EpochEvent[];
  probeEpochs: number[];
  gradients: PanelGradientFlow[];
}

export class ExperimentPanel implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly posted = new vscode.EventEmitter<ToWebviewMessage>();
  /** Every message posted to the webview (for tests and logs). */
  readonly onDidPost = this.posted.event;
  private readonly disposed = new vscode.EventEmitter<void>();
  readonly onDidDispose = this.disposed.event;
  /** The run shown, by id. */
  shownRunId?: string;
  /** Messages from the webview that were refused. */
  rejectedMessages = 0;
  /** The last sweep summary sent to the webview. */
  lastSweepSummary?: SweepSummaryMessage;
  /** The sweep group the Sweep view asked for; the newest when undefined. */
  private sweepGroupId?: string;
  private readonly sweepSoon = new CoalescedCall(SWEEP_UPDATE_INTERVAL_MS, () => this.sendSweep());
  private followed?: { run: TrainingRun; subscription: { dispose(): void } };
  private pending?: PendingProgress;
  private readonly flushSoon = new CoalescedCall(UPDATE_INTERVAL_MS, () => this.flush());
  private readonly listSoon = new CoalescedCall(UPDATE_INTERVAL_MS, () =>
    this.post({ type: ToWebviewType.RunList, runs: this.runList(), selected: this.shownRunId }),
  );
  private ready = false;
  /** A focus asked for before the webview was ready: applied once it is. */
  private pendingFocus?: PanelFocus;
  /** Runs already seen training: the panel switches to a run only once, when it starts. */
  private readonly announced = new Set<number>();

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly specUri: vscode.Uri,
    private readonly extensionUri: vscode.Uri,
    private readonly runs: RunManager,
    private readonly log: vscode.LogOutputChannel,
  ) {
    panel.webview.options = { enableScripts: true, localResourceRoots: panelResourceRoots(extensionUri) };
    panel.webview.html = panelHtml(panel.webview, extensionUri, panel.title);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => void this.receive(message)),
      panel.onDidDispose(() => this.dispose()),
      runs.onDidChange((run) => this.runChanged(run)),
      this.posted,
    );
  }

  /** Handles one message from the webview; false when it was refused as malformed. */
  async receive(value: unknown): Promise<boolean> {
    const message = parseWebviewMessage(value);
    if (!message) {
      this.rejectedMessages += 1;
      this.log.warn(`Experiment panel: ignored a malformed message: ${describe(value)}`);
      return false;
    }
    try {
      await this.handle(message);
    } catch (error) {
      this.log.error(`Experiment panel: ${message.type} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    return true;
  }

  /** Brings a view, a run and compare ticks forward; queued until the webview is ready. */
  focus(focus: PanelFocus): void {
    if (!this.ready) {
      this.pendingFocus = { ...this.pendingFocus, ...focus };
      return;
    }
    this.applyFocus(focus);
  }

  /**
   * The run store of this experiment changed (runs deleted or renamed): the run list is read
   * again, and a shown run that is gone gives way to the newest remaining one.
   */
  runsChanged(): void {
    if (!this.ready) return;
    if (this.shownRunId !== undefined && !this.isKnownRun(this.shownRunId)) {
      this.show(this.defaultRunId());
    } else {
      this.post({ type: ToWebviewType.RunList, runs: this.runList(), selected: this.shownRunId });
    }
    this.sendSweep();
  }

  dispose(): void {
    this.flushSoon.dispose();
    this.listSoon.dispose();
    this.sweepSoon.dispose();
    this.followed?.subscription.dispose();
    this.followed = undefined;
    this.disposables.splice(0).forEach((d) => d.dispose());
    this.disposed.fire();
    this.disposed.dispose();
  }

  private async handle(message: FromWebviewMessage): Promise<void> {
    switch (message.type) {
      case FromWebviewType.Ready:
        this.ready = true;
        this.liveRuns().forEach((run) => run.runDir && this.announced.add(run.key));
        this.answer(message, { type: ToWebviewType.Init, specUri: this.specUri.toString(), experiment: this.panel.title });
        if (this.pendingFocus) {
          const focus = this.pendingFocus;
          this.pendingFocus = undefined;
          this.applyFocus(focus, true);
        } else {
          this.show(this.defaultRunId());
        }
        this.sendSweep();
        return;
      case FromWebviewType.SelectRun:
        if (this.isKnownRun(message.runId)) this.show(message.runId, (loaded) => this.answer(message, loaded));
        else this.runGone(message.runId, true);
        return;
      case FromWebviewType.RequestProbe: {
        if (!this.isKnownRun(message.runId)) {
          this.runGone(message.runId);
          return;
        }
        const probe = this.probeMessage(message.runId, message.epoch);
        if (probe) this.answer(message, probe);
        return;
      }
      case FromWebviewType.RequestCompare:
        this.answer(message, {
          type: ToWebviewType.Compare,
          runs: message.runIds
            .filter((id) => this.runDirOf(id))
            .map((id) => compareRunOfRecord(readRun(this.runDirOf(id)!), readAnnotations(this.runDirOf(id)!))),
        });
        return;
      case FromWebviewType.Command:
        if (message.command === 'openSpec') {
          await vscode.window.showTextDocument(this.specUri, { viewColumn: vscode.ViewColumn.One });
        } else {
          await vscode.commands.executeCommand(message.command === 'stop' ? 'rnnLab.stop' : 'rnnLab.train', this.specUri);
        }
        return;
      case FromWebviewType.Generate:
        if (this.isKnownRun(message.runId)) this.answer(message, await this.generated(message.runId, message.temperature));
        else this.runGone(message.runId);
        return;
      case FromWebviewType.SaveChart:
        await this.save(message.fileName, message.format === 'png' ? Buffer.from(message.data.slice(message.data.indexOf(',') + 1), 'base64') : message.data);
        return;
      case FromWebviewType.RequestSweep:
        this.sweepGroupId = message.groupId;
        this.answer(message, this.sweepSummary());
        return;
      case FromWebviewType.SaveMetrics: {
        const dir = this.runDirOf(message.runId);
        if (dir) await this.save(`${message.runId}-metrics.csv`, runMetricsText(dir, 'csv'));
        else this.runGone(message.runId);
        return;
      }
      default:
        // Every message type has its case: a new one does not compile until it is handled here.
        message satisfies never;
    }
  }

  /**
   * The focus goes out before the run it names, so that the webview's tab and compare ticks are
   * set when the run list arrives. `loading` shows the default run when the focus names none.
   */
  private applyFocus(focus: PanelFocus, loading = false): void {
    const runId = focus.runId !== undefined && this.isKnownRun(focus.runId) ? focus.runId : undefined;
    const view = focus.view ?? (focus.compareRunIds ? 'compare' : undefined);
    this.post({ type: ToWebviewType.Focus, view, runId, compareRunIds: focus.compareRunIds?.filter((id) => this.isKnownRun(id)) });
    if (focus.runId !== undefined && runId === undefined) this.notice(`Run ${focus.runId} of this experiment does not exist (any more).`);
    if (runId !== undefined) this.show(runId);
    else if (loading) this.show(this.defaultRunId());
  }

  /** A request named a run that is gone: say so, and (for a selection) show the newest run left. */
  private runGone(id: string, showAnother = false): void {
    this.notice(`Run ${id} no longer exists; it may have been deleted or renamed.`);
    if (showAnother) this.show(this.defaultRunId());
    else if (id === this.shownRunId) this.runsChanged();
  }

  private notice(text: string): void {
    this.log.info(`Experiment panel: ${text}`);
    this.post({ type: ToWebviewType.Notice, text });
  }

  private post(message: ToWebviewMessage): void {
    void this.panel.webview.postMessage(message);
    this.posted.fire(message);
  }

  /** Posts the reply to a request: the compiler checks that it is the type `PanelReplies` pairs with it. */
  private answer<M extends PanelRequest>(_request: M, reply: ReplyTo<M>): void {
    this.post(reply);
  }

  private experimentDir(): string {
    return specRunsDir(runsRootFor(this.specUri), this.specUri.fsPath);
  }

  /** This window's live runs of the experiment, newest first. */
  private liveRuns(): TrainingRun[] {
    return this.runs.runsFor(this.specUri);
  }

  private runList(): PanelRunItem[] {
    const live = this.liveRuns()
      .filter((run) => run.isActive)
      .map(itemOfLiveRun);
    const liveIds = new Set(live.map((item) => item.id));
    const dir = this.experimentDir();
    const stored = listRuns(dir).filter((summary) => !liveIds.has(summary.id));
    return [...live, ...stored.map((summary) => itemOfSummary(summary, readAnnotations(join(dir, summary.id))))];
  }

  /** The live run if there is one, else the latest run. */
  private defaultRunId(): string | undefined {
    const live = this.liveRuns().find((run) => run.isActive);
    return live ? liveRunId(live) : this.runList()[0]?.id;
  }

  private liveRunById(id: string): TrainingRun | undefined {
    return this.liveRuns().find((run) => liveRunId(run) === id);
  }

  /** An active run of this window (queued ones too) or a run recorded in the run store. */
  private isKnownRun(id: string): boolean {
    return this.liveRunById(id)?.isActive === true || this.runDirOf(id) !== undefined;
  }

  /** The folder of a run of this experiment, or undefined for an unknown id or a deleted run. */
  private runDirOf(id: string): string | undefined {
    const live = this.liveRunById(id);
    if (live?.isActive) return live.runDir;
    return listRuns(this.experimentDir()).some((summary) => summary.id === id) ? join(this.experimentDir(), id) : undefined;
  }

  /**
   * Shows a run: its whole history now, then (for a live run) its progress as it comes. `reply`
   * posts the history when it answers the webview's selection.
   */
  private show(id: string | undefined, reply: (loaded: RunLoadedMessage) => void = (loaded) => this.post(loaded)): void {
    this.followed?.subscription.dispose();
    this.followed = undefined;
    this.pending = undefined;
    this.shownRunId = id;
    this.post({ type: ToWebviewType.RunList, runs: this.runList(), selected: id });
    if (id === undefined) return;
    const live = this.liveRunById(id);
    const dir = this.runDirOf(id);
    if (live?.isActive) {
      // Read what is recorded and subscribe in the same tick: the stream carries on where the files end.
      const record = dir ? readRun(dir) : undefined;
      const history = record ? historyOfRecord(record) : { steps: [], epochs: [] };
      const probes = dir ? probeIndex(dir) : { probeEpochs: [], gradients: [] };
      this.followed = { run: live, subscription: live.onEvent((event) => this.follow(live, event)) };
      reply({ type: ToWebviewType.RunLoaded, header: headerOfLiveRun(live), ...history, ...probes });
      // The newest probe: the files may hold one that the stream has not brought yet.
      const newest = Math.max(live.progress.latestProbe?.epoch ?? -Infinity, probes.probeEpochs.at(-1) ?? -Infinity);
      const probe = Number.isFinite(newest) ? this.probeMessage(id, newest) : undefined;
      if (probe) this.post(probe);
      return;
    }
    if (!dir) return;
    const record = readRun(dir);
    const probes = probeIndex(dir);
    reply({ type: ToWebviewType.RunLoaded, header: headerOfRecord(record), ...historyOfRecord(record), ...probes });
    const last = probes.probeEpochs.at(-1);
    const probe = last === undefined ? undefined : this.probeMessage(id, last);
    if (probe) this.post(probe);
  }

  private follow(run: TrainingRun, event: TrainEvent): void {
    const pending = (this.pending ??= { steps: [], epochs: [], probeEpochs: [], gradients: [] });
    switch (event.type) {
      case 'step':
        pending.steps.push(stepRow(event));
        break;
      case 'epoch':
        pending.epochs.push(event);
        // The run list shows the best validation value so far.
        this.listSoon.request();
        break;
      case 'probe':
        pending.probeEpochs.push(event.epoch);
        pending.gradients.push(gradientFlow(event));
        this.post({ type: ToWebviewType.Probe, runId: liveRunId(run), probe: capProbe(event) });
        break;
      default:
        break;
    }
    this.flushSoon.request();
  }

  private flush(): void {
    const run = this.followed?.run;
    if (!run || !this.ready) return;
    const pending = this.pending ?? { steps: [], epochs: [], probeEpochs: [], gradients: [] };
    this.pending = undefined;
    this.post({ type: ToWebviewType.RunProgress, header: headerOfLiveRun(run), ...pending, steps: thinSteps(pending.steps, MAX_STEP_ROWS_PER_UPDATE) });
  }

  /** A run of this experiment changed: refresh the list, follow a new live run, end a finished one. */
  private runChanged(run: TrainingRun): void {
    if (!this.ready || run.specUri.toString() !== this.specUri.toString()) return;
    if (run.sweepGroup) this.sweepSoon.request();
    const followed = this.followed?.run;
    if (followed === run && liveRunId(run) !== this.shownRunId) {
      // A queued run that started: it has its folder and id now.
      this.show(liveRunId(run));
      return;
    }
    if (followed === run) {
      this.flushSoon.request();
      if (!run.isActive) {
        this.listSoon.request();
      }
      return;
    }
    if (run.isActive && run.runDir && !this.announced.has(run.key)) {
      this.announced.add(run.key);
      // A run started: follow it unless the panel follows another live run already.
      if (followed?.isActive) this.listSoon.request();
      else this.show(liveRunId(run));
      return;
    }
    if (!run.isActive || run.state === 'queued') this.listSoon.request();
  }

  /**
   * The experiment's sweep groups and the summary of the chosen one, from the run summaries and
   * this window's runs of a sweep that have no final summary yet (training, queued, cancelled).
   */
  private sweepSummary(): SweepSummaryMessage {
    const live = this.liveRuns().filter((run) => run.sweepGroup && (run.isActive || !run.runDir));
    const members = [...live.map((run) => sweepMemberOfLiveRun(run)), ...listRuns(this.experimentDir())];
    const message: SweepSummaryMessage = { type: ToWebviewType.SweepSummary, ...sweepOverview(members, this.sweepGroupId) };
    this.lastSweepSummary = message;
    return message;
  }

  private sendSweep(): void {
    this.post(this.sweepSummary());
  }

  /** A probe epoch of a run, or undefined when the run recorded none at that epoch. */
  private probeMessage(id: string, epoch: number): ProbeMessage | undefined {
    const live = this.liveRunById(id);
    const latest = live?.progress.latestProbe;
    const probe = latest?.epoch === epoch ? latest : this.runDirOf(id) ? readProbe(this.runDirOf(id)!, epoch) : undefined;
    return probe ? { type: ToWebviewType.Probe, runId: id, probe: capProbe(probe) } : undefined;
  }

  /**
   * A text sample at the asked temperature from a finished run's saved weights (in a worker);
   * for a live run, or when that fails, the sample recorded with the run's latest probe.
   */
  private async generated(id: string, temperature: number): Promise<GeneratedMessage> {
    const live = this.liveRunById(id);
    const dir = this.runDirOf(id);
    let note: string | undefined;
    const hasWeights = dir !== undefined && !live?.isActive && existsSync(join(dir, RUN_FILES.weights));
    if (hasWeights && !vscode.workspace.isTrusted) {
      // Weights in the workspace are its content, like its data: sampling from them waits for trust.
      note = 'sampling from the saved weights waits for Workspace Trust (Restricted Mode)';
    } else if (dir && hasWeights) {
      const settings = readSettings(this.specUri);
      const length = latestProbe(dir)?.generated?.text.length ?? 200;
      try {
        const generated = await generateInWorker(
          vscode.Uri.joinPath(this.extensionUri, 'dist', 'worker.js').fsPath,
          {
            kind: 'generate',
            runDir: dir,
            backend: settings.backend,
            resourcesDir: vscode.Uri.joinPath(this.extensionUri, 'media').fsPath,
            temperature,
            length,
            seed: Date.now() % 2 ** 31,
          },
          settings.workerMemoryLimitMb,
        );
        return {
          type: ToWebviewType.Generated,
          runId: id,
          source: 'weights',
          generated: capGenerated(generated),
          note: `sampled from the saved weights at temperature ${temperature}`,
        };
      } catch (error) {
        note = `could not sample from the saved weights (${error instanceof Error ? error.message : String(error)})`;
        this.log.warn(`Experiment panel: ${note}`);
      }
    }
    const probe = live?.progress.latestProbe ?? (dir ? latestProbe(dir) : undefined);
    const generated = probe && capProbe(probe).generated;
    const recorded = generated ? `the sample recorded at epoch ${probe.epoch}, temperature ${generated.temperature}` : 'this run recorded no generated text';
    return { type: ToWebviewType.Generated, runId: id, source: 'probe', generated, note: note ? `${note}; showing ${recorded}` : recorded };
  }

  private async save(fileName: string, data: string | Buffer): Promise<void> {
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.joinPath(this.specUri, '..', fileName),
      saveLabel: 'Export',
    });
    if (target) {
      await writeFile(target.fsPath, data);
      this.log.info(`Experiment panel: exported ${target.fsPath}`);
    }
  }
}

/** A short description of a refused message for the log, never the whole payload. */
function describe(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return typeof value;
  }
}
