/**
 * The `rnnLab.isTraining` and `rnnLab.trainingSpecs` context keys (the spec files with active
 * runs) that show the editor title's Train or Stop button. They are set in the same turn as a
 * run's status changes, and only when they change.
 */
import * as vscode from 'vscode';
import type { RunManager } from './runManager';

export class TrainingContext implements vscode.Disposable {
  /** The spec files with active runs, as last set, sorted. */
  specs: readonly string[] = [];
  private readonly subscription: vscode.Disposable;

  constructor(private readonly runs: RunManager) {
    this.subscription = runs.onDidChange(() => this.update());
  }

  private update(): void {
    const paths = [...new Set(this.runs.active().map((run) => run.specUri.fsPath))].sort();
    if (paths.join('\n') === this.specs.join('\n')) return;
    this.specs = paths;
    void vscode.commands.executeCommand('setContext', 'rnnLab.trainingSpecs', paths);
    void vscode.commands.executeCommand('setContext', 'rnnLab.isTraining', paths.length > 0);
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
