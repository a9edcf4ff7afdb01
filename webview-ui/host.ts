/** The webview's link to the extension host: typed messages out, saved UI state. */
import type { FromWebviewMessage, PanelState } from '../src/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function postToHost(message: FromWebviewMessage): void {
  api.postMessage(message);
}

/** The UI state saved before a reload, or an empty one. */
export function savedState(): Partial<PanelState> {
  const state = api.getState();
  return typeof state === 'object' && state !== null ? (state as Partial<PanelState>) : {};
}

/** Merges `changes` into the saved state (VS Code keeps it across reloads and for the serializer). */
export function saveState(changes: Partial<PanelState>): void {
  api.setState({ ...savedState(), ...changes });
}
