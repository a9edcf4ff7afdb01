/**
 * The experiment panels: one webview panel per experiment beside the editor, opened by the
 * CodeLens or the `rnnLab.openPanel` command, and restored with its state after a window reload.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE } from '../../protocol';
import { panelResourceRoots } from './panelHtml';
import { ExperimentPanel, type PanelFocus } from './panelHost';
import { restoredSpecUri } from './panelMessages';
import type { RunManager } from '../training/runManager';

export type { PanelFocus } from './panelHost';

export class ExperimentPanels implements vscode.Disposable, vscode.WebviewPanelSerializer {
  private readonly panels = new Map<string, ExperimentPanel>();
  private readonly serializer: vscode.Disposable;

  constructor(
    private readonly runs: RunManager,
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, this);
  }

  /**
   * Opens (or reveals) the panel of an experiment beside the editor, without taking the focus;
   * `focus` brings a view, a run or compare ticks forward, also on a panel still loading.
   */
  show(specUri: vscode.Uri, focus?: PanelFocus): ExperimentPanel {
    const existing = this.panels.get(specUri.toString());
    if (existing) {
      existing.panel.reveal(vscode.ViewColumn.Beside, true);
    }
    const host =
      existing ??
      this.adopt(
        vscode.window.createWebviewPanel(
          PANEL_VIEW_TYPE,
          panelTitle(specUri),
          { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
          { enableScripts: true, localResourceRoots: panelResourceRoots(this.extensionUri) },
        ),
        specUri,
      );
    if (focus) host.focus(focus);
    return host;
  }

  /** The run store of this experiment changed (runs deleted or renamed): its open panel re-reads it. */
  runsChanged(specUri: vscode.Uri): void {
    this.panels.get(specUri.toString())?.runsChanged();
  }

  /** The open panel of an experiment, if any. */
  panelFor(specUri: vscode.Uri): ExperimentPanel | undefined {
    return this.panels.get(specUri.toString());
  }

  /** The spec of the one experiment panel in sight (none or several: undefined). */
  visibleSpec(): vscode.Uri | undefined {
    const visible = [...this.panels.entries()].filter(([, host]) => host.panel.visible);
    return visible.length === 1 ? vscode.Uri.parse(visible[0][0]) : undefined;
  }

  /** Brings a panel back after a window reload, from the state its webview saved. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const uri = restoredSpecUri(state);
    if (uri === undefined) {
      this.log.warn('Experiment panel: a restored panel had no experiment in its state; closing it');
      panel.dispose();
      return;
    }
    const specUri = vscode.Uri.parse(uri);
    const existing = this.panels.get(specUri.toString());
    if (existing) {
      // Two panels of one experiment: keep the one already open.
      panel.dispose();
      return;
    }
    panel.title = panelTitle(specUri);
    this.adopt(panel, specUri);
  }

  dispose(): void {
    this.serializer.dispose();
    [...this.panels.values()].forEach((panel) => panel.panel.dispose());
  }

  private adopt(panel: vscode.WebviewPanel, specUri: vscode.Uri): ExperimentPanel {
    const key = specUri.toString();
    const host = new ExperimentPanel(panel, specUri, this.extensionUri, this.runs, this.log);
    this.panels.set(key, host);
    host.onDidDispose(() => {
      if (this.panels.get(key) === host) this.panels.delete(key);
    });
    return host;
  }
}

function panelTitle(specUri: vscode.Uri): string {
  return `RNN Lab: ${path.basename(specUri.fsPath).replace(/\.rnn\.json$/i, '')}`;
}
