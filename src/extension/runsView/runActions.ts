/**
 * What can be done with runs: open one in the panel, compare several, name, note and tag them,
 * delete them, reveal their folder and export their metrics or weights. The commands take the
 * runs tree's nodes (a click passes the clicked node and the selection), a run folder's URI,
 * or nothing, in which case a quick pick asks.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseTags, updateAnnotations, type RunAnnotations } from '../../engine/runs/annotations';
import { deleteRun } from '../../engine/runs/deleteRun';
import { exportMetricsFile, exportWeightsJson, runWeightsSafetensors } from '../../engine/runs/exportRun';
import { RUN_FILES } from '../../engine/runs/layout';
import { readJson } from '../../engine/runs/runReader';
import { resumeProblem } from '../../engine/runs/runWriter';
import { isStoredSpec } from '../../engine/runs/storedSpec';
import type { RunManager } from '../training/runManager';
import type { TrainingRun } from '../training/trainingRun';
import { refusedInRestrictedMode } from '../trust';
import type { ExperimentPanels } from '../panel/experimentPanel';
import type { RunsTreeProvider } from './runsView';
import type { RunNode, RunsViewNode } from './runsViewItems';
import { runNodeName } from './runsViewItems';
import { chooseSpec } from '../specFiles';

export interface DeleteOptions {
  /** False: delete without the modal confirmation (for API callers and tests). */
  confirm?: boolean;
}

export interface ExportOptions {
  /** Where to write, instead of asking with a save dialog. */
  to?: vscode.Uri;
  /** Weights only: `safetensors` (the default when not asked) or a copy of `weights.json`. */
  format?: 'safetensors' | 'json';
}

export function registerRunActions(tree: RunsTreeProvider, panels: ExperimentPanels, runs: RunManager, log: vscode.LogOutputChannel): vscode.Disposable[] {
  /** The runs a command applies to: the tree's selection when the clicked run is in it, else the one given or picked. */
  const targets = async (argument: unknown, selection: unknown, placeHolder: string): Promise<RunNode[]> => {
    const selected = Array.isArray(selection) ? selection.filter(isRunNode) : [];
    if (isRunNode(argument)) return selected.some((node) => node === argument) ? selected : [argument];
    const uri = argument instanceof vscode.Uri ? argument : typeof argument === 'string' ? vscode.Uri.file(argument) : undefined;
    if (uri) {
      const node = await tree.findRun(uri.fsPath);
      if (!node) void vscode.window.showErrorMessage(`RNN Lab: ${uri.fsPath} is not a run of an experiment in this workspace.`);
      return node ? [node] : [];
    }
    const node = await pickRun(tree, placeHolder);
    return node ? [node] : [];
  };
  /** One run with a folder, or undefined after saying why not. */
  const storedTarget = async (argument: unknown, placeHolder: string): Promise<(RunNode & { runDir: string }) | undefined> => {
    const [node] = await targets(argument, undefined, placeHolder);
    if (node && !node.runDir) void vscode.window.showInformationMessage(`RNN Lab: ${runNodeName(node)} has not started yet.`);
    return node?.runDir ? (node as RunNode & { runDir: string }) : undefined;
  };
  const annotate = async (argument: unknown, placeHolder: string, change: (node: RunNode) => Promise<Partial<RunAnnotations> | undefined>) => {
    const node = await storedTarget(argument, placeHolder);
    const update = node && (await change(node));
    if (!node || !update) return undefined;
    try {
      const stored = updateAnnotations(node.runDir, (current) => ({ ...current, ...update }));
      runsChanged([node]);
      return stored;
    } catch (error) {
      void vscode.window.showErrorMessage(`RNN Lab: ${message(error)}`);
      return undefined;
    }
  };
  const runsChanged = (nodes: RunNode[]) => {
    for (const specUri of uniqueSpecs(nodes)) {
      tree.refreshExperiment(specUri);
      panels.runsChanged(specUri);
    }
  };

  return [
    vscode.commands.registerCommand('rnnLab.openRun', async (argument?: unknown) => {
      const [node] = await targets(argument, undefined, 'Open which run?');
      if (node) panels.show(node.experiment.specUri, { runId: node.id });
    }),
    vscode.commands.registerCommand('rnnLab.compareRuns', async (argument?: unknown, selection?: unknown) => {
      if (isRunNode(argument)) {
        const nodes = await targets(argument, selection, '');
        const sameExperiment = nodes.filter((node) => node.experiment === argument.experiment);
        if (sameExperiment.length < nodes.length) {
          void vscode.window.showInformationMessage('RNN Lab: the panel compares the runs of one experiment; the runs of other experiments are left out.');
        }
        panels.show(argument.experiment.specUri, { view: 'compare', compareRunIds: sameExperiment.map((node) => node.id) });
        return;
      }
      const specUri = isExperimentNode(argument) ? argument.specUri : await chooseSpec(argument, 'Compare the runs of which experiment?', panels.visibleSpec());
      if (specUri) panels.show(specUri, { view: 'compare' });
    }),
    vscode.commands.registerCommand('rnnLab.showRunFolder', async (argument?: unknown) => {
      const uri = isRunNode(argument)
        ? argument.runDir && vscode.Uri.file(argument.runDir)
        : argument instanceof vscode.Uri
          ? argument
          : typeof argument === 'string'
            ? vscode.Uri.file(argument)
            : undefined;
      if (!uri) {
        void vscode.window.showInformationMessage('RNN Lab: which run folder? Use the runs view or the link in the hover of a run.');
        return;
      }
      // In the workspace (the default runs folder): the explorer; elsewhere: the system's file manager.
      await vscode.commands.executeCommand(vscode.workspace.getWorkspaceFolder(uri) ? 'revealInExplorer' : 'revealFileInOS', uri);
    }),
    vscode.commands.registerCommand('rnnLab.resumeRun', async (argument?: unknown): Promise<TrainingRun | undefined> => {
      if (refusedInRestrictedMode('resuming a run', 'resume it')) return undefined;
      const node = await storedTarget(argument, 'Resume which run?');
      if (!node) return undefined;
      const stored = readJson(path.join(node.runDir, RUN_FILES.spec));
      const problem = resumeProblem(node.runDir) ?? (isStoredSpec(stored) ? undefined : `${path.join(node.runDir, RUN_FILES.spec)} is missing or unreadable`);
      if (problem || !isStoredSpec(stored)) {
        void vscode.window.showErrorMessage(`RNN Lab: cannot resume ${runNodeName(node)}: ${problem}`);
        return undefined;
      }
      const run = runs.resume(node.experiment.specUri, node.runDir, stored);
      panels.show(node.experiment.specUri, { runId: node.id });
      return run;
    }),
    vscode.commands.registerCommand('rnnLab.renameRun', (argument?: unknown, name?: unknown) =>
      annotate(argument, 'Rename which run?', async (node) => {
        const value =
          typeof name === 'string'
            ? name
            : await vscode.window.showInputBox({
                title: `Rename ${runNodeName(node)}`,
                prompt: 'The name shown for this run; empty goes back to the run id (or sweep label).',
                value: node.annotations.name ?? '',
              });
        return value === undefined ? undefined : { name: value };
      }),
    ),
    vscode.commands.registerCommand('rnnLab.editRunNote', (argument?: unknown, note?: unknown) =>
      annotate(argument, 'Add a note to which run?', async (node) => {
        const value =
          typeof note === 'string'
            ? note
            : await vscode.window.showInputBox({
                title: `Note on ${runNodeName(node)}`,
                prompt: 'What this run tried or showed; empty removes the note.',
                value: node.annotations.note ?? '',
              });
        return value === undefined ? undefined : { note: value };
      }),
    ),
    vscode.commands.registerCommand('rnnLab.editRunTags', (argument?: unknown, tags?: unknown) =>
      annotate(argument, 'Tag which run?', async (node) => {
        if (Array.isArray(tags) && tags.every((tag) => typeof tag === 'string')) return { tags };
        const value = await vscode.window.showInputBox({
          title: `Tags of ${runNodeName(node)}`,
          prompt: 'Tags separated by spaces or commas; remove one by deleting it.',
          value: (node.annotations.tags ?? []).join(' '),
        });
        return value === undefined ? undefined : { tags: parseTags(value) };
      }),
    ),
    vscode.commands.registerCommand('rnnLab.deleteRun', async (argument?: unknown, selectionOrOptions?: unknown, maybeOptions?: DeleteOptions) => {
      const options = (Array.isArray(selectionOrOptions) ? maybeOptions : (selectionOrOptions as DeleteOptions | undefined)) ?? {};
      const nodes = await targets(argument, selectionOrOptions, 'Delete which run?');
      const live = nodes.filter((node) => node.live?.isActive);
      if (live.length > 0) {
        void vscode.window.showWarningMessage(
          `RNN Lab: ${live.map(runNodeName).join(', ')} ${live.length === 1 ? 'is' : 'are'} training; stop ${live.length === 1 ? 'it' : 'them'} before deleting.`,
        );
      }
      const doomed = nodes.filter((node): node is RunNode & { runDir: string } => !node.live?.isActive && node.runDir !== undefined);
      if (doomed.length === 0) return [];
      if (options.confirm !== false) {
        const what = doomed.length === 1 ? `the run "${runNodeName(doomed[0])}"` : `${doomed.length} runs`;
        const detail = `Its folder${doomed.length === 1 ? '' : 's'} with the metrics, probes and weights will be deleted:\n${doomed.map((node) => vscode.workspace.asRelativePath(node.runDir)).join('\n')}`;
        const answer = await vscode.window.showWarningMessage(`Delete ${what}?`, { modal: true, detail }, 'Delete');
        if (answer !== 'Delete') return [];
      }
      const deleted: string[] = [];
      for (const node of doomed) {
        try {
          deleteRun(node.runDir);
          deleted.push(node.runDir);
          log.info(`Deleted run ${node.runDir}`);
        } catch (error) {
          log.error(`Could not delete ${node.runDir}: ${message(error)}`);
          void vscode.window.showErrorMessage(`RNN Lab: ${message(error)}`);
        }
      }
      runsChanged(doomed);
      return deleted;
    }),
    vscode.commands.registerCommand('rnnLab.exportRunMetrics', async (argument?: unknown, options: ExportOptions = {}) => {
      const node = await storedTarget(argument, 'Export the metrics of which run?');
      if (!node) return undefined;
      const target = options.to ?? (await saveDialog(node, `${fileStem(node)}-metrics.csv`, { CSV: ['csv'], JSON: ['json'] }));
      return target && writeExport(log, target, () => exportMetricsFile(node.runDir, target.fsPath));
    }),
    vscode.commands.registerCommand('rnnLab.exportRunWeights', async (argument?: unknown, options: ExportOptions = {}) => {
      const node = await storedTarget(argument, 'Export the weights of which run?');
      if (!node) return undefined;
      const format =
        options.format ??
        (
          await vscode.window.showQuickPick(
            [
              {
                label: 'safetensors',
                description: 'PyTorch state dict',
                detail: 'model.load_state_dict(safetensors.torch.load_file(path))',
                format: 'safetensors' as const,
              },
              {
                label: 'weights.json',
                description: "a copy of the run's JSON",
                detail: 'model.load_state_dict({k: torch.tensor(v) for k, v in json.load(f)["params"].items()})',
                format: 'json' as const,
              },
            ],
            { title: `Export the weights of ${runNodeName(node)}` },
          )
        )?.format;
      if (!format) return undefined;
      const target =
        options.to ??
        (await saveDialog(
          node,
          `${fileStem(node)}.${format === 'json' ? 'weights.json' : 'safetensors'}`,
          format === 'json' ? { JSON: ['json'] } : { safetensors: ['safetensors'] },
        ));
      return (
        target &&
        writeExport(log, target, () =>
          format === 'json' ? exportWeightsJson(node.runDir, target.fsPath) : writeFileSync(target.fsPath, runWeightsSafetensors(node.runDir)),
        )
      );
    }),
    vscode.commands.registerCommand('rnnLab.sortRunsByBest', () => (tree.sort = 'best')),
    vscode.commands.registerCommand('rnnLab.sortRunsByNewest', () => (tree.sort = 'newest')),
    vscode.commands.registerCommand('rnnLab.refreshRuns', () => tree.refresh()),
  ];
}

export function isRunNode(value: unknown): value is RunNode {
  return typeof value === 'object' && value !== null && (value as RunsViewNode).kind === 'run' && 'experiment' in value;
}

function isExperimentNode(value: unknown): value is Extract<RunsViewNode, { kind: 'experiment' }> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as RunsViewNode).kind === 'experiment' &&
    (value as { specUri?: unknown }).specUri instanceof vscode.Uri
  );
}

/** A quick pick of an experiment, then of one of its runs. */
async function pickRun(tree: RunsTreeProvider, placeHolder: string): Promise<RunNode | undefined> {
  const specUri = await chooseSpec(undefined, placeHolder);
  const experiment = specUri && (await tree.findExperiment(specUri));
  if (!experiment) return undefined;
  const runs = (await tree.getChildren(experiment)) as RunNode[];
  if (runs.length === 0) {
    void vscode.window.showInformationMessage(`RNN Lab: ${vscode.workspace.asRelativePath(experiment.specUri)} has no runs yet.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    runs.map((node) => ({ label: runNodeName(node), description: tree.getTreeItem(node).description as string, node })),
    { placeHolder },
  );
  return picked?.node;
}

function uniqueSpecs(nodes: RunNode[]): vscode.Uri[] {
  return [...new Map(nodes.map((node) => [node.experiment.specUri.toString(), node.experiment.specUri])).values()];
}

/** A file name from the run's name: letters, digits, dots, dashes and underscores. */
function fileStem(node: RunNode): string {
  return (
    runNodeName(node)
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '') || node.id
  );
}

function saveDialog(node: RunNode, fileName: string, filters: Record<string, string[]>): Thenable<vscode.Uri | undefined> {
  return vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(path.join(path.dirname(node.experiment.specUri.fsPath), fileName)),
    filters,
    saveLabel: 'Export',
  });
}

/** Runs an export, logs it and says how it went; returns the written file, or undefined on failure. */
function writeExport(log: vscode.LogOutputChannel, target: vscode.Uri, write: () => void): vscode.Uri | undefined {
  try {
    write();
  } catch (error) {
    log.error(`Export to ${target.fsPath} failed: ${message(error)}`);
    void vscode.window.showErrorMessage(`RNN Lab: export failed: ${message(error)}`);
    return undefined;
  }
  log.info(`Exported ${target.fsPath}`);
  void vscode.window.showInformationMessage(`RNN Lab: exported ${vscode.workspace.asRelativePath(target)}.`);
  return target;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
