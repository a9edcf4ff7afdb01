/**
 * RNN Lab's entry point: wires the spec validation, the training runs, the CodeLens, the
 * status bar, the panel and the commands. Training happens in worker threads; nothing here
 * blocks the editor.
 */
import * as vscode from 'vscode';
import { registerCommands } from './commands';
import { readSettings } from './config';
import { registerDoctor } from './doctor/doctor';
import type { DoctorDiagnostics } from './doctor/doctorDiagnostics';
import { registerExportPytorch } from './exportPytorch';
import { activatePythonExtension } from './training/pythonInterpreter';
import { ExperimentCodeLens } from './inline/codeLens';
import { ExperimentPanels } from './panel/experimentPanel';
import { InlineCharts } from './inline/inlineCharts';
import { registerNewExperiment } from './runsView/newExperiment';
import { registerOpenExample } from './openExample';
import { registerRunActions } from './runsView/runActions';
import { RunManager } from './training/runManager';
import { RunsTreeProvider } from './runsView/runsView';
import { SpecValidation } from './specValidation';
import { TrainingStatusBar } from './training/statusBar';
import { TrainingContext } from './training/trainingContext';

/** What the extension exports, for its integration tests and for other extensions. */
export interface RnnLabApi {
  runs: RunManager;
  validation: SpecValidation;
  panels: ExperimentPanels;
  /** The sparklines and hovers inside experiment files. */
  inline: InlineCharts;
  /** The "Experiments" tree of the RNN Lab view (`rnnLab.runs`). */
  runsView: RunsTreeProvider;
  /** The CodeLens at the top of every spec. */
  codeLens: ExperimentCodeLens;
  /** The status bar item while anything trains. */
  statusBar: TrainingStatusBar;
  /** The context keys of the editor title's Train and Stop buttons. */
  trainingContext: TrainingContext;
  /** The training doctor's diagnostics on the specs. */
  doctor: DoctorDiagnostics;
}

export function activate(context: vscode.ExtensionContext): RnnLabApi {
  const log = vscode.window.createOutputChannel('RNN Lab', { log: true });
  const runs = new RunManager(context.asAbsolutePath('dist/worker.js'), context.asAbsolutePath('media'), log);
  const validation = new SpecValidation(context.asAbsolutePath('media'));
  const panels = new ExperimentPanels(runs, context.extensionUri, log);
  const inline = new InlineCharts(runs, validation, log);
  const runsView = new RunsTreeProvider(runs);
  const doctor = registerDoctor(runs, validation, context.extensionUri);
  const runsTree = vscode.window.createTreeView('rnnLab.runs', { treeDataProvider: runsView, canSelectMany: true, showCollapseAll: true });
  const codeLens = new ExperimentCodeLens(runs, validation);
  const statusBar = new TrainingStatusBar(runs);
  const trainingContext = new TrainingContext(runs);
  context.subscriptions.push(
    log,
    runs,
    validation,
    panels,
    inline,
    runsView,
    runsTree,
    ...doctor.disposables,
    ...registerRunActions(runsView, panels, runs, log),
    registerNewExperiment(),
    registerOpenExample(),
    registerExportPytorch(context.asAbsolutePath('media'), log),
    codeLens,
    statusBar,
    trainingContext,
    ...registerCommands(runs, validation, panels, log),
    runs.onDidEnd((run) => {
      if (run.state === 'failed') {
        void vscode.window.showErrorMessage(`RNN Lab: ${run.name} failed: ${run.reason ?? 'no reason given'}`, 'Show Log').then((answer) => {
          if (answer) {
            log.show();
          }
        });
      }
    }),
  );
  if (readSettings().engine === 'pytorch') activatePythonExtension();
  log.info('RNN Lab activated');
  return { runs, validation, panels, inline, runsView, codeLens, statusBar, trainingContext, doctor: doctor.diagnostics };
}
