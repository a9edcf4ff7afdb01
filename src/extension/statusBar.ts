/** A status bar item while anything trains: a spinning icon and the run count; click to open the panel. */
import * as vscode from 'vscode';
import type { RunManager } from './runManager';

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('rnnLab.training', vscode.StatusBarAlignment.Left, 10);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly runs: RunManager) {
    this.item.name = 'RNN Lab Training';
    this.item.command = 'rnnLab.openPanel';
    this.subscription = runs.onDidChange(() => this.update());
  }

  private update(): void {
    const active = this.runs.active();
    if (active.length === 0) {
      this.item.hide();
      return;
    }
    const training = active.filter((run) => run.state !== 'queued');
    const queued = active.length - training.length;
    this.item.text = `$(sync~spin) RNN Lab: ${training.length} training${queued ? `, ${queued} queued` : ''}`;
    this.item.tooltip = new vscode.MarkdownString(
      [...active.map((run) => `- ${run.name}: ${run.state === 'queued' ? 'queued' : `epoch ${run.progress.epoch}/${run.progress.epochs}`}`), '', 'Click to open the experiment panel.'].join('\n'),
    );
    this.item.show();
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
