/**
 * Checks every message that comes from the experiment panel's webview: a webview is untrusted
 * input, so anything that is not exactly one of the `FromWebviewMessage` shapes is refused.
 * Every message type has its check: the compiler says when one is missing.
 */
import { FromWebviewType, type FromWebviewMessage, type FromWebviewOf, type PanelCommand, type PanelState, type SaveChartMessage } from '../../protocol';

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

/**
 * One check per webview message type. The record is keyed by every `FromWebviewType`, so a new
 * message type does not compile until it has its check here.
 */
const PARSERS: { [T in FromWebviewType]: (value: Record<string, unknown>) => FromWebviewOf<T> | undefined } = {
  [FromWebviewType.Ready]: () => ({ type: FromWebviewType.Ready }),
  [FromWebviewType.SelectRun]: (value) => (isRunId(value.runId) ? { type: FromWebviewType.SelectRun, runId: value.runId } : undefined),
  [FromWebviewType.RequestProbe]: (value) =>
    isRunId(value.runId) && Number.isInteger(value.epoch) && (value.epoch as number) >= 0
      ? { type: FromWebviewType.RequestProbe, runId: value.runId, epoch: value.epoch as number }
      : undefined,
  [FromWebviewType.RequestCompare]: (value) =>
    Array.isArray(value.runIds) && value.runIds.length <= MAX_COMPARED_RUNS && value.runIds.every(isRunId)
      ? { type: FromWebviewType.RequestCompare, runIds: value.runIds as string[] }
      : undefined,
  [FromWebviewType.Command]: (value) =>
    COMMANDS.includes(value.command as PanelCommand) ? { type: FromWebviewType.Command, command: value.command as PanelCommand } : undefined,
  [FromWebviewType.Generate]: (value) =>
    isRunId(value.runId) && typeof value.temperature === 'number' && value.temperature > 0 && value.temperature <= 5
      ? { type: FromWebviewType.Generate, runId: value.runId, temperature: value.temperature }
      : undefined,
  [FromWebviewType.SaveChart]: parseSaveChart,
  [FromWebviewType.SaveMetrics]: (value) => (isRunId(value.runId) ? { type: FromWebviewType.SaveMetrics, runId: value.runId } : undefined),
  [FromWebviewType.RequestSweep]: (value) => {
    if (value.groupId === undefined) return { type: FromWebviewType.RequestSweep };
    // Sweep group ids have the shape of run ids.
    return isRunId(value.groupId) ? { type: FromWebviewType.RequestSweep, groupId: value.groupId } : undefined;
  },
};

function isMessageType(type: unknown): type is FromWebviewType {
  return typeof type === 'string' && Object.hasOwn(PARSERS, type);
}

/** The message as a `FromWebviewMessage`, or undefined when its type or a field is wrong. */
export function parseWebviewMessage(value: unknown): FromWebviewMessage | undefined {
  if (!isObject(value) || !isMessageType(value.type)) {
    return undefined;
  }
  return PARSERS[value.type](value);
}

function parseSaveChart(value: Record<string, unknown>): SaveChartMessage | undefined {
  const { fileName, format, data } = value;
  if (typeof fileName !== 'string' || !FILE_NAME.test(fileName) || typeof data !== 'string' || data.length > MAX_EXPORT_CHARS) {
    return undefined;
  }
  if (format === 'png' && data.startsWith('data:image/png;base64,') && fileName.endsWith('.png')) {
    return { type: FromWebviewType.SaveChart, fileName, format, data };
  }
  if (format === 'svg' && data.trimStart().startsWith('<svg') && fileName.endsWith('.svg')) {
    return { type: FromWebviewType.SaveChart, fileName, format, data };
  }
  return undefined;
}

/** The spec URI of a restored panel's saved state, or undefined when the state is not ours. */
export function restoredSpecUri(state: unknown): string | undefined {
  const specUri = isObject(state) ? (state as Partial<PanelState>).specUri : undefined;
  return typeof specUri === 'string' && /^[a-z][a-z0-9+.-]*:/i.test(specUri) ? specUri : undefined;
}
