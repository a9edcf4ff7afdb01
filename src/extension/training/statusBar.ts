/** A status bar item while anything trains: a spinning icon and the run count (or a sweep's progress); click to open the panel. */
import * as vscode from 'vscode';
import type { RunManager } from './runManager';
import { describeSweepProgress, sweepProgress } from '../../engine/runs/sweepProgress';

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('rnnLab.training', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;
  private shown = false;

  constructor(private readonly runs: RunManager) {
    this.item.name = 'RNN Lab Training';
    this.item.command = 'rnnLab.openPanel';
    this.subscription = runs.onDidChange(() => this.update());
  }

  /** The item's text while it is shown, else undefined. */
  get shownText(): string | undefined {
    return this.shown ? this.item.text : undefined;
  }

  private update(): void {
    const active = this.runs.active();
    this.shown = active.length > 0;
    if (active.length === 0) {
      this.item.hide();
      return;
    }
    const training = active.filter((run) => run.state !== 'queued');
    const queued = active.length - training.length;
    const sweeps = this.runs.activeSweeps();
    const sweep = sweeps.length === 1 && sweeps[0].filter((run) => run.isActive).length === active.length ? sweeps[0] : undefined;
    // One sweep and nothing else: its progress, and a click opens its summary.
    this.item.text = `$(sync~spin) RNN Lab: ${sweep ? describeSweepProgress(sweepProgress(sweep.map((run) => run.state))) : `${training.length} training${queued ? `, ${queued} queued` : ''}`}`;
    this.item.command = sweep ? { title: 'Open the sweep summary', command: 'rnnLab.openPanel', arguments: [sweep[0].specUri, 'sweep'] } : 'rnnLab.openPanel';
    this.item.tooltip = new vscode.MarkdownString(
      [
        ...sweeps.map((runs) => `**${runs[0].sweepRun.spec.name}**: ${describeSweepProgress(sweepProgress(runs.map((run) => run.state)))}`),
        ...(sweeps.length > 0 ? [''] : []),
        ...active.map((run) => `- ${run.name}: ${run.state === 'queued' ? 'queued' : `epoch ${run.progress.epoch}/${run.progress.epochsPlanned}`}`),
        '',
        sweep ? 'Click to open the sweep summary.' : 'Click to open the experiment panel.',
      ].join('\n'),
    );
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
