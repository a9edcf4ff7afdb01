/**
 * Quick Fixes for the doctor's diagnostics: each fix of a finding as a minimal JSONC edit of
 * the spec (comments and layout kept), and "Apply and Train", which also saves and trains.
 */
import * as vscode from 'vscode';
import { applyFix, minimalReplacement } from '../../engine/doctor/specEdits';
import type { FindingFix } from '../../engine/doctor/types';
import type { ExperimentSpec } from '../../engine/spec/types';
import { SPEC_SELECTOR } from '../specFiles';
import type { SpecValidation } from '../specValidation';
import { DOCTOR_SOURCE, type DoctorDiagnostics } from './doctorDiagnostics';

export const APPLY_AND_TRAIN_COMMAND = 'rnnLab.doctor.applyAndTrain';

/** The edit that applies a fix to the document as it is now. */
export function fixEdit(document: vscode.TextDocument, fix: FindingFix, runSpec: ExperimentSpec): vscode.WorkspaceEdit {
  const before = document.getText();
  const change = minimalReplacement(before, applyFix(before, fix, runSpec));
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(document.positionAt(change.offset), document.positionAt(change.offset + change.length)), change.text);
  return edit;
}

class DoctorQuickFixes implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: DoctorDiagnostics) {}

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const asked = context.diagnostics.filter((d) => d.source === DOCTOR_SOURCE);
    const actions: vscode.CodeAction[] = [];
    for (const { diagnostic, source } of this.diagnostics.diagnosticsOf(document.uri)) {
      if (!asked.some((d) => d.message === diagnostic.message && d.range.intersection(diagnostic.range) !== undefined)) continue;
      source.finding.fixes.forEach((fix, i) => {
        const action = new vscode.CodeAction(fix.label, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.edit = fixEdit(document, fix, source.runSpec);
        action.isPreferred = i === 0;
        const train = new vscode.CodeAction(`${fix.label}, and Train`, vscode.CodeActionKind.QuickFix);
        train.diagnostics = [diagnostic];
        train.command = { title: train.title, command: APPLY_AND_TRAIN_COMMAND, arguments: [document.uri, fix, source.runSpec] };
        actions.push(action, train);
      });
    }
    return actions;
  }
}

export function registerDoctorQuickFixes(diagnostics: DoctorDiagnostics, validation: SpecValidation): vscode.Disposable[] {
  return [
    vscode.languages.registerCodeActionsProvider(SPEC_SELECTOR, new DoctorQuickFixes(diagnostics), { providedCodeActionKinds: DoctorQuickFixes.kinds }),
    vscode.commands.registerCommand(APPLY_AND_TRAIN_COMMAND, async (uri: vscode.Uri, fix: FindingFix, runSpec: ExperimentSpec) => {
      const document = await vscode.workspace.openTextDocument(uri);
      if (!(await vscode.workspace.applyEdit(fixEdit(document, fix, runSpec)))) {
        void vscode.window.showErrorMessage(`RNN Lab: could not apply "${fix.label}" to ${vscode.workspace.asRelativePath(uri)}.`);
        return [];
      }
      await document.save();
      const sweep = validation.check(document).spec?.sweep !== undefined;
      return vscode.commands.executeCommand('rnnLab.train', uri, { sweep });
    }),
  ];
}
