/**
 * The interpreter selected in the Python extension (ms-python.python), where it is installed: the first
 * Python the pytorch engine tries when `rnnLab.pythonPath` is empty. Read from the extension's API once
 * it is active; `activatePythonExtension` starts it in the background so the first run finds it.
 */
import * as vscode from 'vscode';

const PYTHON_EXTENSION = 'ms-python.python';

/** The parts of the Python extension's API read here (the environments API, and the older settings one). */
interface PythonExtensionApi {
  environments?: { getActiveEnvironmentPath(resource?: vscode.Uri): { path?: string } | undefined };
  settings?: { getExecutionDetails(resource?: vscode.Uri): { execCommand?: string[] } | undefined };
}

/** The selected interpreter for `scope` as a one-element list, or an empty one. */
export function selectedInterpreter(scope: vscode.Uri): string[] {
  const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION);
  if (!extension?.isActive) return [];
  try {
    const api = extension.exports;
    const path = api.environments?.getActiveEnvironmentPath(scope)?.path ?? api.settings?.getExecutionDetails(scope)?.execCommand?.[0];
    return path ? [path] : [];
  } catch {
    return [];
  }
}

/** Activates the Python extension when it is installed and the pytorch engine is chosen, without waiting for it. */
export function activatePythonExtension(): void {
  const extension = vscode.extensions.getExtension(PYTHON_EXTENSION);
  if (extension && !extension.isActive) void Promise.resolve(extension.activate()).catch(() => undefined);
}
