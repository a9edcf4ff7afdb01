/**
 * The CodeLens at the top of every spec: what can be done with it now (Train, Train sweep,
 * Stop, Open panel) and how its runs are doing, refreshed at most at the configured rate.
 */
import * as vscode from 'vscode';
import type { Finding } from '../../engine/doctor/types';
import { formatAge, formatRunResult, formatStepsPerSecond, formatValue } from '../../engine/format';
import { findingsBadge } from '../doctor/findingText';
import { isWarning } from '../doctor/runFindings';
import { specRunsDir } from '../../engine/runs/legacyRuns';
import { headlineRun } from '../../engine/runs/headline';
import { listRuns } from '../../engine/runs/runReader';
import type { RunSummary } from '../../engine/runs/summary';
import { describeEstimate } from '../../engine/resources/estimate';
import { countSweepRuns } from '../../engine/spec/sweep';
import { readSettings, runsRootFor } from '../config';
import type { RunManager } from '../training/runManager';
import { SPEC_SELECTOR } from '../specFiles';
import { describeSweepProgress, sweepProgress } from '../../engine/runs/sweepProgress';
import type { SpecValidation } from '../specValidation';
import type { TrainingRun } from '../training/trainingRun';
import type { RunStatus } from '../../engine/runs/runStatus';

export class ExperimentCodeLens implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];
  private refreshTimer?: NodeJS.Timeout;
  private lastRefresh = 0;
  /** Each run's status at the last refresh: a change of status refreshes at once (and only once: VS Code waits for quiet). */
  private readonly statuses = new WeakMap<TrainingRun, RunStatus>();

  constructor(
    private readonly runs: RunManager,
    private readonly validation: SpecValidation,
  ) {
    this.subscriptions = [
      vscode.languages.registerCodeLensProvider(SPEC_SELECTOR, this),
      runs.onDidChange((run) => this.runChanged(run)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
      this.changed,
    ];
  }

  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    const lens = (title: string, command = '', args: unknown[] = [], tooltip?: string) =>
      new vscode.CodeLens(top, { title, command, arguments: args, tooltip });
    const uri = document.uri;
    if (!vscode.workspace.isTrusted) {
      return [
        lens(
          '$(shield) Training is disabled in Restricted Mode',
          'workbench.trust.manage',
          [],
          'Trust this workspace to train: training reads its data files and runs for minutes of CPU.',
        ),
      ];
    }
    const active = this.runs.activeFor(uri);
    if (active.length > 0) {
      const sweep = this.runs.activeSweep(uri);
      return [
        lens('■ Stop', 'rnnLab.stop', [uri]),
        ...(sweep
          ? [lens(describeSweepProgress(sweepProgress(sweep.map((run) => run.state))), 'rnnLab.openPanel', [uri, 'sweep'], 'Open the sweep summary')]
          : []),
        lens(describeActive(active), 'rnnLab.openPanel', [uri]),
        ...doctorLens(
          active.flatMap((run) => run.findings),
          lens,
        ),
      ];
    }
    const { spec, estimate } = this.validation.check(document);
    // The hover of Train: what the run will hold in memory (the largest run, for a sweep).
    const memory = estimate === undefined ? undefined : `Memory: ${describeEstimate(estimate)}`;
    const lenses = [lens('▶ Train', 'rnnLab.train', [uri, { sweep: false }], memory)];
    if (spec?.sweep) {
      const count = countSweepRuns(Object.values(spec.sweep));
      lenses.push(lens(`▶ Train sweep (${count} runs)`, 'rnnLab.train', [uri, { sweep: true }], memory));
    }
    lenses.push(lens('Open panel', 'rnnLab.openPanel', [uri]));
    const stored = listRuns(specRunsDir(runsRootFor(uri), uri.fsPath));
    const headline = headlineRun(stored, (summary) => summary);
    if (headline) {
      const shown = headline.run;
      // A sweep's age is that of its last run to end.
      const ended = headline.sweepBest ? stored.filter((s) => s.sweep?.group?.id === shown.sweep?.group?.id) : [shown];
      const age = formatAge(Date.now() - Math.max(...ended.map(endTime)));
      const result = formatRunResult(shown);
      const title =
        shown.status === 'failed' || shown.status === 'interrupted'
          ? result
          : headline.sweepBest
            ? `sweep best: ${shown.sweep?.label ?? shown.id} · ${result} · ${age}`
            : `last run: ${result} · ${age}`;
      lenses.push(lens(truncate(title, 120), 'rnnLab.openPanel', [uri], shown.reason));
      lenses.push(...doctorLens(shown.findings, lens));
    }
    return lenses;
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.subscriptions.forEach((d) => d.dispose());
  }

  /**
   * A run started, was asked to stop or ended: the lenses change now (Stop must not outlive the
   * run). Progress alone refreshes them at most once per `rnnLab.codeLensRefreshMs`.
   */
  private runChanged(run: TrainingRun): void {
    if (this.statuses.get(run) === run.state) {
      this.refreshSoon();
      return;
    }
    this.statuses.set(run, run.state);
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.lastRefresh = Date.now();
    this.changed.fire();
  }

  /** At most one refresh per `rnnLab.codeLensRefreshMs`. */
  private refreshSoon(): void {
    if (this.refreshTimer) {
      return;
    }
    const wait = Math.max(0, this.lastRefresh + readSettings().codeLensRefreshMs - Date.now());
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.lastRefresh = Date.now();
      this.changed.fire();
    }, wait);
  }
}

/** `epoch 3/20 · loss 0.0123 · median 850 steps/s`, with the sweep position when several runs are queued. */
function describeActive(active: TrainingRun[]): string {
  const running = active.find((run) => run.state !== 'queued') ?? active[0];
  const { epoch, epochsPlanned, loss, stepsPerSecond } = running.progress;
  const parts = [
    running.state === 'queued' ? 'queued' : running.state === 'stopping' ? 'stopping…' : epochsPlanned ? `epoch ${epoch}/${epochsPlanned}` : 'starting…',
  ];
  if (loss !== undefined) {
    parts.push(`loss ${formatValue(loss)}`);
  }
  const rate = formatStepsPerSecond(stepsPerSecond);
  if (rate) {
    parts.push(rate);
  }
  if (active.length > 1 || running.sweepRun.label) {
    parts.unshift(`${running.sweepRun.label || running.name}${active.length > 1 ? ` (+${active.length - 1} more)` : ''}`);
  }
  return parts.join(' · ');
}

/** When a stored run ended, or was last written. */
function endTime(summary: RunSummary): number {
  return Date.parse(summary.endedAt ?? summary.updatedAt);
}

/** `⚠ vanishing-gradients`, opening the Problems view, with the messages as its tooltip. */
function doctorLens(
  findings: readonly Finding[] | undefined,
  lens: (title: string, command: string, args: unknown[], tooltip?: string) => vscode.CodeLens,
): vscode.CodeLens[] {
  const badge = findingsBadge(findings);
  const tooltip = (findings ?? [])
    .filter(isWarning)
    .map((f) => f.message)
    .join('\n');
  return badge ? [lens(badge, 'workbench.actions.view.problems', [], tooltip)] : [];
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
