/**
 * The webview message parser: one valid message of every `FromWebviewType` comes back as it was
 * sent (the record below does not compile without an example of a new type), and malformed ones
 * are refused (more of them go through the host in test/integration/suite/panel.test.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseWebviewMessage } from '../../src/extension/panel/panelMessages';
import { FromWebviewType, type FromWebviewOf } from '../../src/protocol';

const VALID: { [T in FromWebviewType]: FromWebviewOf<T> } = {
  [FromWebviewType.Ready]: { type: FromWebviewType.Ready },
  [FromWebviewType.SelectRun]: { type: FromWebviewType.SelectRun, runId: '20261125-170001-a1' },
  [FromWebviewType.RequestProbe]: { type: FromWebviewType.RequestProbe, runId: 'run', epoch: 0 },
  [FromWebviewType.RequestCompare]: { type: FromWebviewType.RequestCompare, runIds: ['a', 'b'] },
  [FromWebviewType.Command]: { type: FromWebviewType.Command, command: 'openSpec' },
  [FromWebviewType.Generate]: { type: FromWebviewType.Generate, runId: 'run', temperature: 0.8 },
  [FromWebviewType.SaveChart]: { type: FromWebviewType.SaveChart, fileName: 'loss.svg', format: 'svg', data: '<svg></svg>' },
  [FromWebviewType.SaveMetrics]: { type: FromWebviewType.SaveMetrics, runId: 'run' },
  [FromWebviewType.RequestSweep]: { type: FromWebviewType.RequestSweep, groupId: 'group' },
};

test('every webview message type has a check that keeps a valid message as it is', () => {
  for (const message of Object.values(VALID)) {
    assert.deepEqual(parseWebviewMessage(message), message, message.type);
    assert.deepEqual(parseWebviewMessage({ ...message, extra: 'dropped' }), message, `${message.type} with an unknown field`);
  }
});

test('unknown types and malformed fields are refused', () => {
  const refused: unknown[] = [
    undefined,
    null,
    'ready',
    [],
    { type: 'toString' },
    { type: 'constructor' },
    { type: 'init' },
    { type: FromWebviewType.SelectRun, runId: 'a/b' },
    { type: FromWebviewType.SelectRun, runId: 'x'.repeat(129) },
    { type: FromWebviewType.RequestProbe, runId: 'x', epoch: '1' },
    { type: FromWebviewType.RequestCompare, runIds: ['ok', 5] },
    { type: FromWebviewType.RequestCompare, runIds: Array.from({ length: 33 }, (_, i) => `r${i}`) },
    { type: FromWebviewType.Command, command: 'rnnLab.train' },
    { type: FromWebviewType.Generate, runId: 'x', temperature: 0 },
    { type: FromWebviewType.Generate, runId: 'x', temperature: 6 },
    { type: FromWebviewType.SaveChart, fileName: 'chart.png', format: 'svg', data: '<svg></svg>' },
    { type: FromWebviewType.SaveChart, fileName: 'chart.svg', format: 'png', data: 'data:image/png;base64,AA==' },
    { type: FromWebviewType.SaveChart, fileName: 'chart.png', format: 'png', data: `data:image/png;base64,${'A'.repeat(32 * 1024 * 1024)}` },
    { type: FromWebviewType.SaveMetrics, runId: '..' },
    { type: FromWebviewType.RequestSweep, groupId: 7 },
  ];
  for (const value of refused) assert.equal(parseWebviewMessage(value), undefined, JSON.stringify(value)?.slice(0, 120));
});
