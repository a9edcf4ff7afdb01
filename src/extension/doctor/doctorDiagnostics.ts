/**
 * The training doctor in the editor: each finding of a spec's live or latest run as a
 * diagnostic at the setting it is about (source "RNN Lab doctor", its code linking to the
 * README's section, related information pointing at the run). A finding goes when that
 * setting no longer has the run's value, or when a newer run no longer has it.
 */
import { join } from 'node:path';
import { findNodeAtLocation, parseTree } from 'jsonc-parser';
import * as vscode from 'vscode';
import { findingJsonPath, findingStillApplies } from '../../engine/doctor/specEdits';
import type { FindingSeverity } from '../../engine/doctor/types';
import { LineIndex, locateIssue } from '../../engine/spec/diagnostics';
import { RUN_FILES } from '../../engine/runs/layout';
import { CoalescedCall } from '../coalescedCall';
import { isSpecUri } from '../specFiles';
import type { SpecValidation } from '../specValidation';
import type { RunManager } from '../training/runManager';
import type { ReadmeLinks } from './readmeLinks';
import { runFindingsFor, type RunFinding } from './runFindings';

export const DOCTOR_SOURCE = 'RNN Lab doctor';

const SEVERITIES: Record<FindingSeverity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A published diagnostic and the finding behind it, for the Quick Fixes. */
export interface DoctorDiagnostic {
  diagnostic: vscode.Diagnostic;
  source: RunFinding;
}

/** Redraws after typing or a run's progress are gathered into one, this long after the first. */
const REFRESH_DELAY_MS = 300;

export class DoctorDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('rnn-lab-doctor');
  private readonly published = new Map<string, DoctorDiagnostic[]>();
  private readonly refresh = new CoalescedCall(REFRESH_DELAY_MS, () => vscode.workspace.textDocuments.forEach((d) => this.update(d)));
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly runs: RunManager,
    private readonly validation: SpecValidation,
    private readonly links: ReadmeLinks,
  ) {
    this.subscriptions = [
      this.collection,
      vscode.workspace.onDidOpenTextDocument((document) => this.update(document)),
      vscode.workspace.onDidChangeTextDocument(() => this.refresh.request()),
      vscode.workspace.onDidCloseTextDocument((document) => this.forget(document.uri)),
      runs.onDidChange(() => this.refresh.request()),
      runs.onDidEnd(() => this.refresh.request()),
    ];
    vscode.workspace.textDocuments.forEach((document) => this.update(document));
  }

  /** The doctor's diagnostics published for a document, with their findings. */
  diagnosticsOf(uri: vscode.Uri): DoctorDiagnostic[] {
    return this.published.get(uri.toString()) ?? [];
  }

  /** Recomputes a spec's doctor diagnostics now. */
  update(document: vscode.TextDocument): void {
    if (!isSpecUri(document.uri) || document.uri.scheme !== 'file') {
      return;
    }
    const text = document.getText();
    const current = this.validation.check(document).spec;
    const root = parseTree(text, [], { allowTrailingComma: true });
    if (!current || !root) {
      // While the spec does not parse or validate, its schema errors say enough.
      return this.publish(document.uri, []);
    }
    const lines = new LineIndex(text);
    const found = runFindingsFor(this.runs, document.uri)
      .filter((source) => findingStillApplies(text, current, source.finding, source.runSpec))
      .map((source): DoctorDiagnostic => {
        const path = findingJsonPath(text, source.finding, source.runSpec);
        // A setting's value when it is one, its key when it holds an object or a list.
        const node = findNodeAtLocation(root, path);
        const at = node?.type === 'object' || node?.type === 'array' ? 'key' : 'value';
        const place = locateIssue(lines, root, { severity: 'warning', message: '', path, at }, 'semantic');
        const range = new vscode.Range(document.positionAt(place.offset), document.positionAt(place.offset + place.length));
        const { finding } = source;
        const diagnostic = new vscode.Diagnostic(
          range,
          source.sweepLabel ? `${finding.message} (${source.sweepLabel})` : finding.message,
          SEVERITIES[finding.severity],
        );
        diagnostic.source = DOCTOR_SOURCE;
        diagnostic.code = { value: finding.code, target: this.links.target(finding.code) };
        if (source.runDir) {
          const summary = vscode.Uri.file(join(source.runDir, RUN_FILES.summary));
          const where = finding.epoch > 0 ? `, epoch ${finding.epoch}` : '';
          diagnostic.relatedInformation = [
            new vscode.DiagnosticRelatedInformation(
              new vscode.Location(summary, new vscode.Position(0, 0)),
              `Found in run ${source.runId ?? source.runDir}${where}`,
            ),
          ];
        }
        return { diagnostic, source };
      });
    this.publish(document.uri, found);
  }

  dispose(): void {
    this.refresh.dispose();
    this.subscriptions.forEach((d) => d.dispose());
  }

  private publish(uri: vscode.Uri, found: DoctorDiagnostic[]): void {
    this.published.set(uri.toString(), found);
    this.collection.set(
      uri,
      found.map((d) => d.diagnostic),
    );
  }

  private forget(uri: vscode.Uri): void {
    this.published.delete(uri.toString());
    this.collection.delete(uri);
  }
}
