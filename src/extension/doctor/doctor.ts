/** The training doctor's editor side, wired up: diagnostics on the specs and their Quick Fixes. */
import * as vscode from 'vscode';
import type { SpecValidation } from '../specValidation';
import type { RunManager } from '../training/runManager';
import { DoctorDiagnostics } from './doctorDiagnostics';
import { registerDoctorQuickFixes } from './doctorQuickFixes';
import { ReadmeLinks } from './readmeLinks';

export function registerDoctor(
  runs: RunManager,
  validation: SpecValidation,
  extensionUri: vscode.Uri,
): { diagnostics: DoctorDiagnostics; disposables: vscode.Disposable[] } {
  const diagnostics = new DoctorDiagnostics(runs, validation, new ReadmeLinks(vscode.Uri.joinPath(extensionUri, 'README.md')));
  return { diagnostics, disposables: [diagnostics, ...registerDoctorQuickFixes(diagnostics, validation)] };
}
