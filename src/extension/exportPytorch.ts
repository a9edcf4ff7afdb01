/**
 * **Export as PyTorch Project…**: a spec (the editor title menu, the palette) or a run (the runs view's
 * context menu, whose final weights become the starting weights) written as a PyTorch project by the
 * engine's exporter, into a folder the user picks (or `options.to`).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { defaultProjectDir, exportPytorchProject, exportRunProject, PROJECT_FILES, type ExportedProject } from '../engine/pytorch/exportProject';
import { loadSpecFile } from '../engine/spec/load';
import { isRunNode } from './runsView/runActions';
import { chooseSpec } from './specFiles';

export interface ExportPytorchOptions {
  /** The project folder, instead of asking where to put it. */
  to?: vscode.Uri;
}

export function registerExportPytorch(resourcesDir: string, log: vscode.LogOutputChannel): vscode.Disposable {
  return vscode.commands.registerCommand('rnnLab.exportPytorch', async (argument?: unknown, options: ExportPytorchOptions = {}) => {
    const runDir = isRunNode(argument) ? argument.runDir : undefined;
    const specUri = runDir ? undefined : await chooseSpec(argument, 'Export which experiment as a PyTorch project?');
    if (!runDir && !specUri) return undefined;
    const suggested = runDir ? path.join(path.dirname(path.dirname(runDir)), `${path.basename(runDir)}-pytorch`) : defaultProjectDir(specUri!.fsPath);
    const outDir = options.to?.fsPath ?? (await askFolder(suggested));
    if (!outDir) return undefined;
    let exported: ExportedProject;
    try {
      if (runDir) {
        exported = exportRunProject(runDir, outDir, resourcesDir);
      } else {
        const { spec, diagnostics } = loadSpecFile(specUri!.fsPath, resourcesDir);
        if (!spec) throw new Error(`the spec has errors: ${diagnostics.find((d) => d.severity === 'error')?.message ?? 'see the Problems view'}`);
        exported = exportPytorchProject({ specPath: specUri!.fsPath, spec, outDir, resourcesDir });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log.error(`Export as PyTorch project: ${message}`);
      void vscode.window.showErrorMessage(`RNN Lab: cannot export the PyTorch project: ${message}`);
      return undefined;
    }
    log.info(`Exported a PyTorch project to ${exported.outDir} (${exported.project.initialization})`);
    void vscode.window.showInformationMessage(`RNN Lab: PyTorch project written to ${exported.outDir}.`, 'Open README').then((answer) => {
      if (answer) void vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(path.join(exported.outDir, PROJECT_FILES.readme)));
    });
    return exported.outDir;
  });
}

/** The parent folder the user picks, with the project's folder name inside it. */
async function askFolder(suggested: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: false,
    canSelectFolders: true,
    defaultUri: vscode.Uri.file(path.dirname(suggested)),
    openLabel: `Export to ${path.basename(suggested)} here`,
    title: 'Where to write the PyTorch project',
  });
  return picked?.[0] && path.join(picked[0].fsPath, path.basename(suggested));
}
