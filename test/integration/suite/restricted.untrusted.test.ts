/** Restricted mode: editing and validation work, training does not start and says why. */
import assert from 'node:assert/strict';
import { suite, test } from 'mocha';
import * as vscode from 'vscode';
import { codeLensTitles, openSpec, rnnLab, waitFor, workspaceFile } from './support';

suite('restricted mode', () => {
  test('the workspace is not trusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  test('validation still reports problems', async () => {
    await rnnLab();
    const editor = await openSpec('missing-data.rnn.json');
    await waitFor('the missing-file diagnostic', () => vscode.languages.getDiagnostics(editor.document.uri).some((d) => d.source === 'RNN Lab'));
  });

  test('the CodeLens says training is disabled', async () => {
    assert.deepEqual(await codeLensTitles(workspaceFile('sine.rnn.json')), ['$(shield) Training is disabled in Restricted Mode']);
  });

  test('Train RNN starts nothing', async () => {
    const api = await rnnLab();
    const runs = await vscode.commands.executeCommand<unknown[]>('rnnLab.train', workspaceFile('sine.rnn.json'), { sweep: false });
    assert.deepEqual(runs, []);
    assert.equal(api.runs.active().length, 0);
  });
});
