/**
 * Restricted mode: editing and validation work without reading the data files; training,
 * resuming and sampling from saved weights do not start and say why.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import { experimentDir } from '../../../src/engine/runs/layout';
import { RunWriter } from '../../../src/engine/runs/runWriter';
import { loadSpecFile } from '../../../src/engine/spec/load';
import { name, publisher } from '../../../package.json';
import { FromWebviewType, ToWebviewType, type ToWebviewMessage } from '../../../src/protocol';
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

suite("restricted mode: the workspace's files stay unread", () => {
  const written: string[] = [];
  const write = (file: string, text: string): vscode.Uri => {
    const uri = workspaceFile(file);
    mkdirSync(path.dirname(uri.fsPath), { recursive: true });
    writeFileSync(uri.fsPath, text);
    written.push(uri.fsPath);
    return uri;
  };
  suiteTeardown(() => written.forEach((file) => rmSync(file, { recursive: true, force: true })));

  test('validation checks only that data files exist: no message shows what they hold', async () => {
    const api = await rnnLab();
    write('data/secret.csv', 'secret_column_a,secret_column_b\n1,2\n');
    const uri = write('secret.rnn.json', JSON.stringify({ name: 'secret', data: { type: 'csv', path: 'data/secret.csv', target: 'value' } }));
    const missing = write('missing-text.rnn.json', JSON.stringify({ name: 'missing', data: { type: 'text', path: 'data/none.txt' } }));
    const check = api.validation.check(await vscode.workspace.openTextDocument(uri));
    assert.deepEqual(
      check.diagnostics.filter((d) => /secret_column/.test(d.message)),
      [],
      'the CSV header is not shown',
    );
    assert.deepEqual(
      check.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const absent = api.validation.check(await vscode.workspace.openTextDocument(missing));
    assert.ok(
      absent.diagnostics.some((d) => /Data file not found: "data\/none\.txt"/.test(d.message)),
      'a missing file is still reported',
    );
  });

  test('text generation from weights in the workspace waits for trust, like training', async () => {
    const api = await rnnLab();
    const specUri = workspaceFile('sine.rnn.json');
    const { spec } = loadSpecFile(specUri.fsPath, path.join(vscode.extensions.getExtension(`${publisher}.${name}`)!.extensionPath, 'media'));
    assert.ok(spec);
    const runsRoot = path.join(path.dirname(specUri.fsPath), '.rnn', 'runs');
    const writer = RunWriter.create({ experimentDir: experimentDir(runsRoot, specUri.fsPath), specPath: specUri.fsPath, spec, specChecksum: 'committed' });
    writer.record({ type: 'end', status: 'completed', time: Date.now() });
    writer.saveWeights({ 'head.weight': { shape: [1, 1], data: new Float32Array([1]) } });
    writer.close();
    written.push(writer.dir);
    const panel = api.panels.show(specUri);
    const messages: ToWebviewMessage[] = [];
    const watch = panel.onDidPost((message) => messages.push(message));
    assert.equal(await panel.receive({ type: FromWebviewType.Generate, runId: writer.id, temperature: 1 }), true);
    const generated = await waitFor('the answer to Generate', () => messages.find((m) => m.type === ToWebviewType.Generated));
    watch.dispose();
    assert.ok(generated.type === ToWebviewType.Generated);
    assert.equal(generated.source, 'probe', 'nothing was sampled from the weights');
    assert.match(generated.note ?? '', /sampling from the saved weights waits for Workspace Trust/);
  });

  test('Resume Run starts nothing', async () => {
    const resumed = await vscode.commands.executeCommand('rnnLab.resumeRun', workspaceFile('.rnn/runs/none'));
    assert.equal(resumed, undefined);
    assert.equal((await rnnLab()).runs.active().length, 0);
  });
});
