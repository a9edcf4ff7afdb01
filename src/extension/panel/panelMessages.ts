/**
 * Checks every message that comes from the experiment panel's webview: a webview is untrusted
 * input, so anything that is not exactly one of the `FromWebviewMessage` shapes is refused.
 */
import { PanelMessageType, type FromWebviewMessage, type PanelCommand, type PanelState } from '../../protocol';

const COMMANDS: readonly PanelCommand[] = ['stop', 'train', 'openSpec'];
/** Run ids are folder names: `YYYYMMDD-HHMMSS-suffix` or similar, never a path. */
const RUN_ID = /^[A-Za-z0-9._-]{1,128}$/;
const FILE_NAME = /^[A-Za-z0-9._ -]{1,100}\.(png|svg)$/;
/** 32 MB of exported image is far more than any chart. */
const MAX_EXPORT_CHARS = 32 * 1024 * 1024;
const MAX_COMPARED_RUNS = 32;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isRunId(value: unknown): value is string {
  return typeof value === 'string' && RUN_ID.test(value) && value !== '.' && value !== '..';
}

/** The message as a `FromWebviewMessage`, or undefined when its type or a field is wrong. */
export function parseWebviewMessage(value: unknown): FromWebviewMessage | undefined {
  if (!isObject(value)) {
    return undefined;
  }
  switch (value.type) {
    case PanelMessageType.Ready:
      return { type: PanelMessageType.Ready };
    case PanelMessageType.SelectRun:
      return isRunId(value.runId) ? { type: PanelMessageType.SelectRun, runId: value.runId } : undefined;
    case PanelMessageType.RequestProbe:
      return isRunId(value.runId) && Number.isInteger(value.epoch) && (value.epoch as number) >= 0
        ? { type: PanelMessageType.RequestProbe, runId: value.runId, epoch: value.epoch as number }
        : undefined;
    case PanelMessageType.RequestCompare:
      return Array.isArray(value.runIds) && value.runIds.length <= MAX_COMPARED_RUNS && value.runIds.every(isRunId)
        ? { type: PanelMessageType.RequestCompare, runIds: value.runIds as string[] }
        : undefined;
    case PanelMessageType.Command:
      return COMMANDS.includes(value.command as PanelCommand) ? { type: PanelMessageType.Command, command: value.command as PanelCommand } : undefined;
    case PanelMessageType.Generate:
      return isRunId(value.runId) && typeof value.temperature === 'number' && value.temperature > 0 && value.temperature <= 5
        ? { type: PanelMessageType.Generate, runId: value.runId, temperature: value.temperature }
        : undefined;
    case PanelMessageType.SaveChart:
      return parseSaveChart(value);
    case PanelMessageType.SaveMetrics:
      return isRunId(value.runId) ? { type: PanelMessageType.SaveMetrics, runId: value.runId } : undefined;
    case PanelMessageType.RequestSweep:
      if (value.groupId === undefined) return { type: PanelMessageType.RequestSweep };
      // Sweep group ids have the shape of run ids.
      return isRunId(value.groupId) ? { type: PanelMessageType.RequestSweep, groupId: value.groupId } : undefined;
    default:
      return undefined;
  }
}

function parseSaveChart(value: Record<string, unknown>): FromWebviewMessage | undefined {
  const { fileName, format, data } = value;
  if (typeof fileName !== 'string' || !FILE_NAME.test(fileName) || typeof data !== 'string' || data.length > MAX_EXPORT_CHARS) {
    return undefined;
  }
  if (format === 'png' && data.startsWith('data:image/png;base64,') && fileName.endsWith('.png')) {
    return { type: PanelMessageType.SaveChart, fileName, format, data };
  }
  if (format === 'svg' && data.trimStart().startsWith('<svg') && fileName.endsWith('.svg')) {
    return { type: PanelMessageType.SaveChart, fileName, format, data };
  }
  return undefined;
}

/** The spec URI of a restored panel's saved state, or undefined when the state is not ours. */
export function restoredSpecUri(state: unknown): string | undefined {
  const specUri = isObject(state) ? (state as Partial<PanelState>).specUri : undefined;
  return typeof specUri === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(specUri) ? specUri : undefined;
}
