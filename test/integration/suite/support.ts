/** Shared helpers of the integration tests (runs inside the extension host). */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RnnLabApi } from '../../../src/extension/extension';
import type { TrainingRun } from '../../../src/extension/training/trainingRun';
import type { RunSummary } from '../../../src/engine/runs/summary';
import { TEST_GATE_ENV } from '../../../src/engine/train/testGate';
import { name, publisher } from '../../../package.json';

export async function rnnLab(): Promise<RnnLabApi> {
  const extension = vscode.extensions.getExtension<RnnLabApi>(`${publisher}.${name}`);
  if (!extension) {
    throw new Error('RNN Lab is not loaded');
  }
  return extension.activate();
}

export function workspaceFile(file: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    throw new Error('the tests need a workspace folder');
  }
  return vscode.Uri.joinPath(folder.uri, file);
}

export async function openSpec(file: string): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(workspaceFile(file)));
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The CodeLens titles VS Code gets for a file, through the public command. */
export async function codeLensTitles(uri: vscode.Uri): Promise<string[]> {
  // The command needs the document to be open.
  await vscode.workspace.openTextDocument(uri);
  const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
  return lenses.map((lens) => lens.command?.title ?? '');
}

/** RNN Lab's hover Markdown at a position, through the public command (the JSON schema's hovers left out). */
export async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
  return hovers
    .flatMap((hover) => hover.contents)
    .map((content) => (typeof content === 'string' ? content : content.value))
    .filter((text) => text.includes('command:rnnLab.'))
    .join('\n');
}

/** Trains through the command, as the CodeLens does; returns the queued runs. */
export async function train(file: string, sweep = false): Promise<TrainingRun[]> {
  return (await vscode.commands.executeCommand<TrainingRun[]>('rnnLab.train', workspaceFile(file), { sweep })) ?? [];
}

export async function waitForEnd(run: TrainingRun, timeoutMs = 60_000): Promise<TrainingRun> {
  return waitFor(`${run.name} to end`, () => !run.isActive && run, timeoutMs);
}

export function readSummary(runDir: string): RunSummary {
  return JSON.parse(readFileSync(path.join(runDir, 'summary.json'), 'utf8')) as RunSummary;
}

export function runFileExists(runDir: string, file: string): boolean {
  return existsSync(path.join(runDir, file));
}

/** Stops every run of the window and waits until none is active (a suite's teardown). */
export async function stopAllRuns(): Promise<void> {
  const api = await rnnLab();
  api.runs.active().forEach((run) => run.stop());
  await waitFor('every run to end', () => api.runs.active().length === 0);
}

/**
 * Holds every run of `experiment` (the spec's name) before its second epoch, and each later one,
 * until the returned function opens the gate: a test sees such a run training on any machine.
 * A child process started from the extension host (the CLI) inherits the gate.
 */
export function holdAtTestGate(experiment: string): () => void {
  const dir = process.env[TEST_GATE_ENV];
  if (!dir) throw new Error(`${TEST_GATE_ENV} is not set: the launcher gives the tests a gate folder`);
  const gate = path.join(dir, experiment);
  writeFileSync(gate, '');
  return () => rmSync(gate, { force: true });
}
