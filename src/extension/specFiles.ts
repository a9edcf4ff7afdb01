/** Finding and recognising experiment spec files (`*.rnn.json`). */
import * as vscode from 'vscode';

export const SPEC_GLOB = '**/*.rnn.json';
export const SPEC_SELECTOR: vscode.DocumentSelector = { pattern: SPEC_GLOB };

export function isSpecUri(uri: vscode.Uri | undefined): uri is vscode.Uri {
  return !!uri && uri.scheme === 'file' && uri.path.endsWith('.rnn.json');
}

/**
 * The spec in the active editor, else the one spec among the visible editors (the active editor
 * is then something else, such as the walkthrough beside the spec); undefined otherwise.
 */
export function activeSpecUri(): vscode.Uri | undefined {
  const uri = vscode.window.activeTextEditor?.document.uri;
  if (isSpecUri(uri)) return uri;
  if (vscode.window.activeTextEditor !== undefined) return undefined;
  const visible = [
    ...new Set(
      vscode.window.visibleTextEditors
        .map((editor) => editor.document.uri)
        .filter(isSpecUri)
        .map(String),
    ),
  ];
  return visible.length === 1 ? vscode.Uri.parse(visible[0]) : undefined;
}

/** The workspace's spec files, skipping the run store and node_modules. */
export async function findSpecFiles(): Promise<vscode.Uri[]> {
  const files = await vscode.workspace.findFiles(SPEC_GLOB, '{**/node_modules/**,**/.rnn/**}');
  return files.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
}

/**
 * The spec from the argument (explorer, editor title, CodeLens), the active editor, `beforeAsking` (such as the spec
 * of the experiment panel in sight), or a quick pick.
 */
export async function chooseSpec(argument: unknown, placeHolder: string, beforeAsking?: vscode.Uri): Promise<vscode.Uri | undefined> {
  if (argument instanceof vscode.Uri && isSpecUri(argument)) {
    return argument;
  }
  const active = activeSpecUri() ?? beforeAsking;
  if (active) {
    return active;
  }
  const files = await findSpecFiles();
  if (files.length === 0) {
    void vscode.window.showInformationMessage('RNN Lab: this workspace has no experiment files (*.rnn.json).');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder },
  );
  return picked?.uri;
}
