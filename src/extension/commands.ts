/** The commands of the "RNN Lab" category. */
import * as vscode from 'vscode';
import { expandSweep, type SweepRun } from '../engine/spec/sweep';
import { PANEL_VIEWS, type PanelView } from '../protocol';
import type { ExperimentPanels } from './panel/experimentPanel';
import type { RunManager } from './training/runManager';
import { chooseSpec, isSpecUri } from './specFiles';
import { describeSweepProgress, sweepProgress } from '../engine/runs/sweepProgress';
import type { SpecValidation } from './specValidation';
import type { TrainingRun } from './training/trainingRun';
import { refusedInRestrictedMode } from './trust';

export interface TrainOptions {
  /** Train every point of the spec's sweep (true), or the spec as written without it (false). Asks when omitted. */
  sweep?: boolean;
}

export function registerCommands(runs: RunManager, validation: SpecValidation, panels: ExperimentPanels, log: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('rnnLab.train', async (uri?: unknown, options?: TrainOptions) => {
      const queued = await train(runs, validation, uri, options);
      if (queued.length > 0) {
        // The panel follows the new run, beside the editor, without taking the focus.
        panels.show(queued[0].specUri);
      }
      return queued;
    }),
    vscode.commands.registerCommand('rnnLab.stop', (uri?: unknown) => stop(runs, uri)),
    vscode.commands.registerCommand('rnnLab.openPanel', async (uri?: unknown, view?: unknown) => {
      const spec = await chooseSpec(uri ?? runs.active()[0]?.specUri, 'Open the panel of which experiment?', panels.visibleSpec());
      if (spec) {
        panels.show(spec, PANEL_VIEWS.includes(view as PanelView) ? { view: view as PanelView } : undefined);
      }
    }),
    vscode.commands.registerCommand('rnnLab.validate', (uri?: unknown) => validate(validation, uri)),
    vscode.commands.registerCommand('rnnLab.showLog', () => log.show()),
  ];
}

/** Trains a spec; returns the runs it queued (empty when nothing started). */
async function train(runs: RunManager, validation: SpecValidation, argument: unknown, options: TrainOptions = {}): Promise<TrainingRun[]> {
  if (refusedInRestrictedMode('training', 'train')) {
    return [];
  }
  const uri = await chooseSpec(argument, 'Train which experiment?');
  if (!uri) {
    return [];
  }
  const document = await vscode.workspace.openTextDocument(uri);
  const check = validation.validate(document);
  const firstError = check?.diagnostics.find((d) => d.severity === 'error');
  if (!check?.spec || firstError) {
    const errors = check?.diagnostics.filter((d) => d.severity === 'error').length ?? 0;
    const go = 'Go to Error';
    const message = firstError
      ? `RNN Lab: ${vscode.workspace.asRelativePath(uri)} has ${errors} error${errors === 1 ? '' : 's'}; training did not start. Line ${firstError.line}: ${firstError.message}`
      : `RNN Lab: ${vscode.workspace.asRelativePath(uri)} is not a valid experiment.`;
    void vscode.window.showErrorMessage(message, go).then(async (answer) => {
      if (answer === go && firstError) {
        const editor = await vscode.window.showTextDocument(document);
        const position = document.positionAt(firstError.offset);
        editor.selection = new vscode.Selection(position, document.positionAt(firstError.offset + firstError.length));
        editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
    });
    return [];
  }
  const spec = check.spec;
  let sweep = options.sweep;
  if (sweep === undefined && spec.sweep) {
    const count = expandSweep(spec).length;
    const picked = await vscode.window.showQuickPick(
      [
        { label: `$(run-all) Train the sweep (${count} runs)`, sweep: true },
        { label: '$(play) Train once, as written, without the sweep', sweep: false },
      ],
      { placeHolder: `${spec.name} has a sweep` },
    );
    if (!picked) {
      return [];
    }
    sweep = picked.sweep;
  }
  const points: SweepRun[] = sweep ? expandSweep(spec) : [{ spec: { ...spec, sweep: undefined }, assignments: {}, label: '' }];
  return runs.enqueue(uri, points, sweep === true);
}

async function stop(runs: RunManager, argument: unknown): Promise<void> {
  const candidates = isSpecUri(argument as vscode.Uri) ? runs.activeFor(argument as vscode.Uri) : runs.active();
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('RNN Lab: nothing is training.');
    return;
  }
  if (candidates.length === 1) {
    candidates[0].stop();
    return;
  }
  const sweeps = runs.activeSweeps().filter((sweep) => sweep.some((run) => candidates.includes(run)));
  const sweepItems = sweeps.map((sweep) => {
    const active = sweep.filter((run) => run.isActive);
    const queued = active.filter((run) => run.state === 'queued').length;
    return {
      label: `$(debug-stop) Stop the sweep (${active.length} runs)`,
      description: sweep[0].sweepRun.spec.name,
      detail: `${describeSweepProgress(sweepProgress(sweep.map((run) => run.state)))}; the queued runs${queued ? ` (${queued})` : ''} never start`,
      runs: active,
    };
  });
  const all = { label: '$(debug-stop) Stop all', detail: `${candidates.length} runs`, runs: candidates };
  const onlyOneSweep = sweepItems.length === 1 && sweepItems[0].runs.length === candidates.length;
  const picked = await vscode.window.showQuickPick(
    [
      ...sweepItems,
      ...candidates.map((run) => ({
        label: run.name,
        description: run.state === 'queued' ? 'queued' : `epoch ${run.progress.epoch}/${run.progress.epochsPlanned}`,
        detail: vscode.workspace.asRelativePath(run.specUri),
        runs: [run],
      })),
      ...(onlyOneSweep ? [] : [all]),
    ],
    { placeHolder: sweepItems.length > 0 ? 'Stop the sweep, or one run?' : 'Stop which run?' },
  );
  if (picked) stopRuns(picked.runs);
}

/** Takes the queued runs out of the queue first, so that none starts when a training one ends. */
function stopRuns(runs: TrainingRun[]): void {
  runs.filter((run) => run.state === 'queued').forEach((run) => run.stop());
  runs.filter((run) => run.state !== 'queued').forEach((run) => run.stop());
}

async function validate(validation: SpecValidation, argument: unknown): Promise<void> {
  const uri = await chooseSpec(argument, 'Validate which experiment?');
  if (!uri) {
    return;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  const check = validation.validate(document);
  const name = vscode.workspace.asRelativePath(uri);
  const errors = check?.diagnostics.filter((d) => d.severity === 'error') ?? [];
  if (check?.spec && errors.length === 0) {
    const runCount = expandSweep(check.spec).length;
    void vscode.window.showInformationMessage(`RNN Lab: ${name} is valid${runCount > 1 ? ` (a sweep of ${runCount} runs)` : ''}.`);
    return;
  }
  const problems = 'Show Problems';
  const first = errors[0];
  const answer = await vscode.window.showErrorMessage(
    `RNN Lab: ${name} has ${errors.length} error${errors.length === 1 ? '' : 's'}${first ? `; line ${first.line}: ${first.message}` : ''}`,
    problems,
  );
  if (answer === problems) {
    await vscode.commands.executeCommand('workbench.actions.view.problems');
  }
}
