/**
 * The experiment panel beside the editor: the live run of an experiment, or its latest run,
 * with its progress and a table of epochs. Static HTML under a strict CSP, redrawn at most
 * once a second while a run trains.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EpochEvent } from '../engine/events';
import { formatDuration, formatRunResult, formatValue } from '../engine/format';
import { experimentDir } from '../engine/runs/layout';
import { listRuns, readRun } from '../engine/runs/runReader';
import type { RunSummary } from '../engine/runs/summary';
import { runsRootFor } from './config';
import type { RunManager } from './runManager';

const REDRAW_MS = 1000;

interface PanelView {
  title: string;
  status: string;
  detail: string;
  epochs: EpochEvent[];
}

export class ExperimentPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  private readonly subscription: vscode.Disposable;
  private redrawTimer?: NodeJS.Timeout;

  constructor(private readonly runs: RunManager) {
    this.subscription = runs.onDidChange(() => this.redrawSoon());
  }

  show(specUri: vscode.Uri): void {
    const key = specUri.toString();
    const existing = this.panels.get(key);
    if (existing) {
      existing.reveal(vscode.ViewColumn.Beside, true);
      this.redraw(specUri, existing);
      return;
    }
    const panel = vscode.window.createWebviewPanel('rnnLab.experiment', `RNN Lab: ${path.basename(specUri.fsPath)}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: false,
      localResourceRoots: [],
    });
    this.panels.set(key, panel);
    panel.onDidDispose(() => this.panels.delete(key));
    this.redraw(specUri, panel);
  }

  dispose(): void {
    clearTimeout(this.redrawTimer);
    this.subscription.dispose();
    this.panels.forEach((panel) => panel.dispose());
  }

  private redrawSoon(): void {
    this.redrawTimer ??= setTimeout(() => {
      this.redrawTimer = undefined;
      this.panels.forEach((panel, key) => this.redraw(vscode.Uri.parse(key), panel));
    }, REDRAW_MS);
  }

  private redraw(specUri: vscode.Uri, panel: vscode.WebviewPanel): void {
    panel.webview.html = render(this.view(specUri), panel.webview.cspSource);
  }

  private view(specUri: vscode.Uri): PanelView {
    const live = this.runs.runsFor(specUri)[0];
    if (live?.isActive) {
      const { epoch, epochs, step, loss, stepsPerSecond } = live.progress;
      return {
        title: live.name,
        status: live.state === 'queued' ? 'queued' : live.state === 'stopping' ? 'stopping' : `training: epoch ${epoch}/${epochs}, step ${step}`,
        detail: `loss ${formatValue(loss)} · ${stepsPerSecond ? Math.round(stepsPerSecond) : '-'} steps/s`,
        epochs: live.epochs,
      };
    }
    const latest: RunSummary | undefined = listRuns(experimentDir(runsRootFor(specUri), specUri.fsPath))[0];
    if (!latest) {
      return { title: path.basename(specUri.fsPath), status: 'no runs yet', detail: 'Press ▶ Train above the spec to start one.', epochs: [] };
    }
    const record = readRun(path.join(experimentDir(runsRootFor(specUri), specUri.fsPath), latest.id));
    return {
      title: latest.sweep ? `${latest.experiment} (${latest.sweep.label})` : latest.experiment,
      status: `${latest.status}: ${formatRunResult(latest)}`,
      detail: `run ${latest.id} · ${formatDuration(latest.durationMs)} · ${latest.backend ?? '-'} backend`,
      epochs: record.metrics.filter((event): event is EpochEvent => event.type === 'epoch'),
    };
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(view: PanelView, cspSource: string): string {
  const rows = view.epochs
    .map(
      (e) =>
        `<tr><td>${e.epoch}</td><td>${formatValue(e.trainLoss)}</td><td>${formatValue(e.validationLoss)}</td><td>${formatValue(e.baselineLoss)}</td><td>${
          e.validationAccuracy === undefined ? '-' : `${(e.validationAccuracy * 100).toFixed(1)}%`
        }</td></tr>`,
    )
    .join('');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'unsafe-inline';">
<style>
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 16px; }
  .status { color: var(--vscode-descriptionForeground); }
  table { border-collapse: collapse; margin-top: 12px; }
  th, td { padding: 2px 12px; text-align: right; border-bottom: 1px solid var(--vscode-panel-border); }
</style></head>
<body>
  <h2>${escapeHtml(view.title)}</h2>
  <p class="status" id="status">${escapeHtml(view.status)}</p>
  <p class="status">${escapeHtml(view.detail)}</p>
  ${rows ? `<table aria-label="Loss per epoch"><thead><tr><th>epoch</th><th>train loss</th><th>validation loss</th><th>baseline</th><th>accuracy</th></tr></thead><tbody>${rows}</tbody></table>` : ''}
</body></html>`;
}
