/**
 * The "Experiments" tree of the RNN Lab view: the workspace's spec files, and under each its
 * runs from the run store (summaries only) merged with this window's live runs. It follows
 * the experiment folders on disk (runs of the CLI or another window appear by themselves),
 * spec files created or deleted, and live progress, refreshing only the experiment that changed.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { formatValue } from '../../engine/format';
import { readAnnotations } from '../../engine/runs/annotations';
import { specRunsDir } from '../../engine/runs/legacyRuns';
import { resumeProblem } from '../../engine/runs/runWriter';
import { listRuns } from '../../engine/runs/runReader';
import { CoalescedCall } from '../coalescedCall';
import { runsRootFor } from '../config';
import type { RunStatus } from '../../engine/runs/runStatus';
import { liveRunId } from '../panel/panelData';
import type { RunManager } from '../training/runManager';
import { ExperimentFolderWatcher } from './runsFolderWatcher';
import { runDescription, runIcon, runNodeName, runTooltip, type ExperimentNode, type RunNode, type RunsViewNode } from './runsViewItems';
import { findSpecFiles, SPEC_GLOB } from '../specFiles';
import type { TrainingRun } from '../training/trainingRun';

export type RunsSort = 'newest' | 'best';

/** The fastest a live run's experiment is redrawn. */
export const LIVE_REFRESH_MS = 750;
/** How long file events are gathered before the experiments they touch are re-read. */
export const FILE_EVENT_DEBOUNCE_MS = 300;

export class RunsTreeProvider implements vscode.TreeDataProvider<RunsViewNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunsViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  /** Experiment nodes by spec URI; the same object across refreshes, so VS Code keeps their state. */
  private experiments = new Map<string, ExperimentNode>();
  /** Each experiment's runs as last read, for its description and lookups. */
  private readonly runNodes = new Map<string, RunNode[]>();
  private specsLoaded?: Promise<void>;
  /** One watcher per experiment folder, by spec URI. */
  private readonly folderWatchers = new Map<string, ExperimentFolderWatcher>();
  private readonly dirtyExperiments = new Set<string>();
  private readonly fileEventsSettled = new CoalescedCall(FILE_EVENT_DEBOUNCE_MS, () => this.refreshDirtyExperiments());
  /** Per experiment: its redraw after live progress. */
  private readonly liveRedraws = new Map<string, CoalescedCall>();
  /** Each live run's state and folder as last drawn: a change there means the run list must be read again. */
  private readonly liveStates = new Map<number, string>();
  private readonly staleExperiments = new Set<string>();
  private sortOrder: RunsSort = 'newest';
  /** How many times an experiment's runs were read from disk (for tests and performance checks). */
  readCount = 0;

  constructor(private readonly runs: RunManager) {
    const specs = vscode.workspace.createFileSystemWatcher(SPEC_GLOB, false, true, false);
    this.disposables.push(
      specs,
      specs.onDidCreate(() => this.refresh()),
      specs.onDidDelete(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((event) => event.affectsConfiguration('rnnLab.runsFolder') && this.refresh()),
      runs.onDidChange((run) => this.liveRunChanged(run)),
    );
    void vscode.commands.executeCommand('setContext', 'rnnLab.runsSort', this.sortOrder);
  }

  get sort(): RunsSort {
    return this.sortOrder;
  }

  set sort(order: RunsSort) {
    this.sortOrder = order;
    void vscode.commands.executeCommand('setContext', 'rnnLab.runsSort', order);
    this.changed.fire(undefined);
  }

  /** Re-reads the spec files and every experiment's runs. */
  refresh(): void {
    this.runNodes.clear();
    this.specsLoaded = this.loadSpecs().then(() => this.changed.fire(undefined));
  }

  /** Re-reads the runs of one experiment (after a rename, a note, a deletion). */
  refreshExperiment(specUri: vscode.Uri): void {
    const node = this.experiments.get(specUri.toString());
    if (node) {
      this.runNodes.delete(node.specUri.toString());
      this.changed.fire(node);
    }
  }

  async getChildren(node?: RunsViewNode): Promise<RunsViewNode[]> {
    if (node === undefined) {
      await (this.specsLoaded ??= this.loadSpecs());
      return [...this.experiments.values()];
    }
    return node.kind === 'experiment' ? this.runsOf(node) : [];
  }

  getParent(node: RunsViewNode): RunsViewNode | undefined {
    return node.kind === 'run' ? node.experiment : undefined;
  }

  getTreeItem(node: RunsViewNode): vscode.TreeItem {
    return node.kind === 'experiment' ? this.experimentItem(node) : runItem(node);
  }

  /** The run node of a run folder, if an experiment of the workspace has it. */
  async findRun(runDir: string): Promise<RunNode | undefined> {
    for (const experiment of (await this.getChildren()) as ExperimentNode[]) {
      if (path.dirname(runDir) === experiment.dir) {
        return this.runsOf(experiment).find((run) => run.runDir === runDir);
      }
    }
    return undefined;
  }

  /** The experiment node of a spec file, if it is in the workspace. */
  async findExperiment(specUri: vscode.Uri): Promise<ExperimentNode | undefined> {
    await (this.specsLoaded ??= this.loadSpecs());
    return this.experiments.get(specUri.toString());
  }

  dispose(): void {
    this.fileEventsSettled.dispose();
    this.liveRedraws.forEach((redraw) => redraw.dispose());
    this.folderWatchers.forEach((watcher) => watcher.dispose());
    this.disposables.forEach((d) => d.dispose());
  }

  private async loadSpecs(): Promise<void> {
    const files = await findSpecFiles();
    const next = new Map<string, ExperimentNode>();
    for (const specUri of files) {
      const dir = specRunsDir(runsRootFor(specUri), specUri.fsPath);
      const existing = this.experiments.get(specUri.toString());
      next.set(specUri.toString(), existing?.dir === dir ? existing : { kind: 'experiment', specUri, dir });
    }
    this.experiments = next;
    this.watchExperimentFolders();
  }

  /** Keeps one folder watcher per experiment (see `ExperimentFolderWatcher`). */
  private watchExperimentFolders(): void {
    for (const [key, watcher] of this.folderWatchers) {
      if (this.experiments.get(key)?.dir !== watcher.dir) {
        watcher.dispose();
        this.folderWatchers.delete(key);
      }
    }
    for (const [key, experiment] of this.experiments) {
      if (!this.folderWatchers.has(key)) {
        this.folderWatchers.set(key, new ExperimentFolderWatcher(experiment.dir, () => this.runFilesChanged(key)));
      }
    }
  }

  /** Runs changed on disk: re-read the experiment once the events settle. */
  private runFilesChanged(key: string): void {
    this.dirtyExperiments.add(key);
    this.fileEventsSettled.request();
  }

  private refreshDirtyExperiments(): void {
    const dirty = [...this.dirtyExperiments];
    this.dirtyExperiments.clear();
    for (const dirtyKey of dirty) {
      const experiment = this.experiments.get(dirtyKey);
      if (experiment) this.refreshExperiment(experiment.specUri);
    }
  }

  /** A live run changed (often: every step): redraw its experiment at most every `LIVE_REFRESH_MS`. */
  private liveRunChanged(run: TrainingRun): void {
    const key = run.specUri.toString();
    const state = `${run.state}:${run.runDir ?? ''}`;
    if (this.liveStates.get(run.key) !== state) {
      // Started, got its folder, or ended: the stored runs differ too. Progress alone only redraws.
      this.staleExperiments.add(key);
      if (run.isActive) this.liveStates.set(run.key, state);
      else this.liveStates.delete(run.key);
    }
    if (!this.experiments.has(key)) return;
    let redraw = this.liveRedraws.get(key);
    if (!redraw) {
      redraw = new CoalescedCall(LIVE_REFRESH_MS, () => {
        const node = this.experiments.get(key);
        if (!node) return;
        if (this.staleExperiments.delete(key)) this.runNodes.delete(key);
        this.changed.fire(node);
      });
      this.liveRedraws.set(key, redraw);
    }
    redraw.request();
  }

  /** An experiment's runs: this window's live ones first (queued or training), then the stored ones. */
  private runsOf(experiment: ExperimentNode): RunNode[] {
    const key = experiment.specUri.toString();
    let nodes = this.runNodes.get(key);
    if (!nodes) {
      this.readCount += 1;
      const live = this.runs.runsFor(experiment.specUri).filter((run) => run.isActive);
      const liveById = new Map(live.map((run) => [liveRunId(run), run]));
      const stored = listRuns(experiment.dir).map((summary): RunNode => {
        const runDir = path.join(experiment.dir, summary.id);
        return { kind: 'run', experiment, id: summary.id, runDir, summary, annotations: readAnnotations(runDir), live: liveById.get(summary.id) };
      });
      const storedIds = new Set(stored.map((node) => node.id));
      const unstored = live
        .filter((run) => !storedIds.has(liveRunId(run)))
        .map((run): RunNode => ({ kind: 'run', experiment, id: liveRunId(run), runDir: run.runDir, annotations: {}, live: run }));
      nodes = [...unstored, ...stored];
      this.runNodes.set(key, nodes);
      // Runs of other processes: their summary says when they progress and end.
      this.folderWatchers.get(key)?.watchRuns(stored.filter((node) => node.summary?.status === 'running' && !node.live).flatMap((node) => node.runDir ?? []));
    }
    return sortRuns(nodes, this.sortOrder);
  }

  private experimentItem(node: ExperimentNode): vscode.TreeItem {
    const runs = this.runNodes.get(node.specUri.toString()) ?? this.runsOf(node);
    const name = path.basename(node.specUri.fsPath).replace(/\.rnn\.json$/i, '');
    const item = new vscode.TreeItem(name, runs.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = `experiment:${node.specUri.toString()}`;
    item.resourceUri = node.specUri;
    item.iconPath = new vscode.ThemeIcon('beaker');
    item.contextValue = 'rnnLab.experiment';
    const best = bestRun(runs);
    const live = runs.filter((run) => run.live).length;
    item.description = [
      runs.length === 0 ? 'no runs' : `${runs.length} run${runs.length === 1 ? '' : 's'}`,
      live > 0 ? `${live} live` : undefined,
      best?.summary?.bestValidationLoss !== undefined ? `best ${formatValue(best.summary.bestValidationLoss)}` : undefined,
    ]
      .filter(Boolean)
      .join(' · ');
    item.tooltip = new vscode.MarkdownString(`**${name}** — \`${vscode.workspace.asRelativePath(node.specUri)}\`\n\nRuns in \`${node.dir}\``);
    item.command = { command: 'vscode.open', title: 'Open Spec', arguments: [node.specUri] };
    return item;
  }
}

function runItem(node: RunNode): vscode.TreeItem {
  const state = runState(node);
  const item = new vscode.TreeItem(runNodeName(node));
  item.id = `run:${node.experiment.specUri.toString()}:${node.live && !node.runDir ? `live-${node.live.key}` : node.id}`;
  item.iconPath = runIcon(state);
  item.description = runDescription(node, state);
  item.tooltip = runTooltip(node, state);
  // Resume Run is offered where it can work: a stopped or interrupted run with a checkpoint.
  const resumable = node.runDir !== undefined && node.summary !== undefined && !resumeProblem(node.runDir, node.summary);
  item.contextValue = node.live ? 'rnnLab.liveRun' : resumable ? 'rnnLab.run.resumable' : 'rnnLab.run';
  item.command = { command: 'rnnLab.openRun', title: 'Open Run', arguments: [node] };
  if (node.runDir) item.resourceUri = vscode.Uri.file(node.runDir);
  return item;
}

/** What to show for a run: the live state while this window trains it, else the stored status. */
function runState(node: RunNode): RunStatus {
  const live = node.live;
  if (live?.isActive) return live.state === 'queued' ? 'queued' : 'running';
  return node.summary?.status ?? 'interrupted';
}

function sortRuns(nodes: RunNode[], order: RunsSort): RunNode[] {
  if (order === 'newest') return nodes;
  const best = (node: RunNode) => node.summary?.bestValidationLoss ?? Infinity;
  // Stable: runs without a value keep their newest-first order at the end.
  return [...nodes].sort((a, b) => best(a) - best(b));
}

function bestRun(nodes: RunNode[]): RunNode | undefined {
  return sortRuns(nodes, 'best').find((node) => node.summary?.bestValidationLoss !== undefined);
}
