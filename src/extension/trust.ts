/**
 * Workspace Trust for what runs on the workspace's files: training and resuming read its data
 * and run for minutes of CPU, text generation loads the weights it holds. In Restricted Mode
 * they wait, with a message that offers to manage trust.
 */
import * as vscode from 'vscode';

/** True (after saying why) when the workspace is not trusted; `doing` is e.g. "training", `to` e.g. "train". */
export function refusedInRestrictedMode(doing: string, to: string, because = "it reads the workspace's data files and runs for minutes of CPU"): boolean {
  if (vscode.workspace.isTrusted) {
    return false;
  }
  const manage = 'Manage Workspace Trust';
  void vscode.window
    .showWarningMessage(`RNN Lab: ${doing} is disabled in Restricted Mode, because ${because}. Trust the workspace to ${to}.`, manage)
    .then((answer) => answer === manage && vscode.commands.executeCommand('workbench.trust.manage'));
  return true;
}
