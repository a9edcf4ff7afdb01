/**
 * Diagnostics for the checks a JSON Schema cannot express (missing data files, CSV columns,
 * sweep keys, …), on open and as the user types; in Restricted Mode data files are only
 * checked to exist. The editor's JSON support already reports
 * syntax and schema problems through `contributes.jsonValidation`, so those are not repeated.
 */
import * as vscode from 'vscode';
import { checkSpecText, type SpecCheck, type SpecDiagnostic } from '../engine/spec/load';
import { readSettings } from './config';
import { isSpecUri } from './specFiles';

const TYPING_DELAY_MS = 300;

export class SpecValidation implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('rnn-lab');
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly resourcesDir: string) {
    this.subscriptions = [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((document) => this.validate(document)),
      vscode.workspace.onDidChangeTextDocument((event) => this.validateSoon(event.document)),
      vscode.workspace.onDidCloseTextDocument((document) => this.collection.delete(document.uri)),
      // Trust granted: the data files may now be read, so every open spec is checked in full.
      vscode.workspace.onDidGrantWorkspaceTrust(() => vscode.workspace.textDocuments.forEach((document) => this.validate(document))),
    ];
    vscode.workspace.textDocuments.forEach((document) => this.validate(document));
  }

  /** Every check, the schema's included: what training needs to know. */
  check(document: vscode.TextDocument): SpecCheck {
    const { workerMemoryLimitMb, maxSweepRuns } = readSettings(document.uri);
    return checkSpecText(document.getText(), {
      specPath: document.uri.fsPath,
      resourcesDir: this.resourcesDir,
      memoryLimitMb: workerMemoryLimitMb,
      maxSweepRuns,
      // In Restricted Mode the data files are checked to exist, never read: a message could show what they hold.
      readDataFiles: vscode.workspace.isTrusted,
    });
  }

  /** Checks the document now and publishes its semantic diagnostics. */
  validate(document: vscode.TextDocument): SpecCheck | undefined {
    if (!isSpecUri(document.uri)) {
      return undefined;
    }
    this.cancelPending(document.uri);
    const result = this.check(document);
    const semantic = result.diagnostics.filter((d) => d.origin === 'semantic');
    this.collection.set(
      document.uri,
      semantic.map((d) => toVscodeDiagnostic(document, d)),
    );
    return result;
  }

  dispose(): void {
    this.pending.forEach((timer) => clearTimeout(timer));
    this.subscriptions.forEach((d) => d.dispose());
  }

  private validateSoon(document: vscode.TextDocument): void {
    if (!isSpecUri(document.uri)) {
      return;
    }
    this.cancelPending(document.uri);
    this.pending.set(
      document.uri.toString(),
      setTimeout(() => this.validate(document), TYPING_DELAY_MS),
    );
  }

  private cancelPending(uri: vscode.Uri): void {
    clearTimeout(this.pending.get(uri.toString()));
    this.pending.delete(uri.toString());
  }
}

export function toVscodeDiagnostic(document: vscode.TextDocument, d: SpecDiagnostic): vscode.Diagnostic {
  const range = new vscode.Range(document.positionAt(d.offset), document.positionAt(d.offset + d.length));
  const severity = d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning;
  const diagnostic = new vscode.Diagnostic(range, d.message, severity);
  diagnostic.source = 'RNN Lab';
  return diagnostic;
}
