/**
 * "Open Example Experiment…" (`rnnLab.openExample`), the getting-started walkthrough's first
 * step: opens the workspace's `sine.rnn.json` (or `adding.rnn.json`, `copy.rnn.json`) beside the
 * walkthrough, or writes the starter spec of that name when the workspace has none.
 */
import * as vscode from 'vscode';
import type { TemplateTask } from '../engine/spec/templates';
import { findSpecFiles } from './specFiles';

/** The examples the walkthrough opens: a task with a starter spec of the same name. */
const EXAMPLES = ['sine', 'adding', 'copy'] as const satisfies readonly TemplateTask[];
type ExampleName = (typeof EXAMPLES)[number];

function isExampleName(value: unknown): value is ExampleName {
  return EXAMPLES.includes(value as ExampleName);
}

export function registerOpenExample(): vscode.Disposable {
  return vscode.commands.registerCommand('rnnLab.openExample', async (name?: unknown) => {
    const example = isExampleName(name) ? name : await vscode.window.showQuickPick([...EXAMPLES] as string[], { title: 'Open which example experiment?' });
    return isExampleName(example) ? openExample(example) : undefined;
  });
}

/** Opens the example beside the active editor, keeping the focus there; returns its file. */
async function openExample(name: ExampleName): Promise<vscode.Uri | undefined> {
  const fileName = `${name}.rnn.json`;
  const existing = (await findSpecFiles()).find((uri) => uri.path.endsWith(`/${fileName}`));
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri =
    existing ??
    (await vscode.commands.executeCommand<vscode.Uri | undefined>('rnnLab.newExperiment', {
      task: name,
      to: folder && vscode.Uri.joinPath(folder, fileName),
    }));
  if (uri === undefined) return undefined;
  await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
  return uri;
}
