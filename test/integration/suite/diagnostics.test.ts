/** Diagnostics: RNN Lab's semantic checks and the schema's, each at the right range. */
import assert from 'node:assert/strict';
import { suite, suiteSetup, test } from 'mocha';
import * as vscode from 'vscode';
import { openSpec, rnnLab, waitFor, workspaceFile } from './support';

function diagnosticsOf(uri: vscode.Uri, source?: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => source === undefined || d.source === source);
}

suite('diagnostics', () => {
  suiteSetup(async () => {
    await rnnLab();
  });

  test('a missing data file is reported on its path value, naming the resolved path', async () => {
    const editor = await openSpec('missing-data.rnn.json');
    const [diagnostic] = await waitFor('the missing-file diagnostic', () => {
      const found = diagnosticsOf(editor.document.uri, 'RNN Lab');
      return found.length > 0 && found;
    });
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(editor.document.getText(diagnostic.range), '"data/does-not-exist.csv"');
    assert.match(diagnostic.message, /does-not-exist\.csv/);
    assert.ok(diagnostic.message.includes(workspaceFile('data/does-not-exist.csv').fsPath), diagnostic.message);
  });

  test('the diagnostic follows edits as the user types, and goes when the problem is fixed', async () => {
    const editor = await openSpec('missing-data.rnn.json');
    const document = editor.document;
    const start = document.getText().indexOf('"data/does-not-exist.csv"');
    await editor.edit((edit) => edit.insert(document.positionAt(start), '\n    '));
    const moved = await waitFor('the diagnostic on the moved value', () => {
      const [d] = diagnosticsOf(document.uri, 'RNN Lab');
      return d && document.getText(d.range) === '"data/does-not-exist.csv"' && d.range.start.line === document.positionAt(start).line + 1 && d;
    });
    assert.equal(moved.range.start.character, 4);
    const type = document.getText().indexOf('"csv"');
    await editor.edit((edit) => edit.replace(new vscode.Range(document.positionAt(type), document.positionAt(type + 5)), '"sine"'));
    // A sine data set has no "path" or "target": now the schema objects, and the file check is gone.
    await waitFor('the missing-file diagnostic to go', () => diagnosticsOf(document.uri, 'RNN Lab').every((d) => !/not found|does not exist/i.test(d.message)));
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('schema errors come from the JSON language service at the offending values', async () => {
    const editor = await openSpec('broken.rnn.json');
    const text = editor.document.getText();
    const diagnostics = await waitFor('schema diagnostics', () => {
      const found = diagnosticsOf(editor.document.uri).filter((d) => d.source !== 'RNN Lab');
      return found.length >= 2 && found;
    });
    const flagged = diagnostics.map((d) => editor.document.getText(d.range));
    assert.ok(flagged.includes('"lstn"'), `flagged: ${flagged.join(', ')}`);
    assert.ok(flagged.includes('0'), `flagged: ${flagged.join(', ')}`);
    const lstn = diagnostics.find((d) => editor.document.getText(d.range) === '"lstn"');
    assert.equal(editor.document.offsetAt(lstn!.range.start), text.indexOf('"cell": "lstn"') + '"cell": '.length);
    // RNN Lab does not repeat what the schema already reports.
    assert.deepEqual(diagnosticsOf(editor.document.uri, 'RNN Lab'), []);
  });

  test('an unknown key is one error in Problems, as for Train, with the "did you mean" hint in the diagnostic', async () => {
    const uri = workspaceFile('typo-key.rnn.json');
    const text = '{\n  "name": "typo",\n  "data": { "type": "sine", "samples": 200, "seqLength": 20 },\n  "model": { "hiddenSise": 8 }\n}\n';
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text));
    try {
      const editor = await openSpec('typo-key.rnn.json');
      const [diagnostic] = await waitFor('the unknown-key diagnostic', () => {
        const found = diagnosticsOf(editor.document.uri, 'RNN Lab');
        return found.length > 0 && found;
      });
      assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
      assert.equal(editor.document.getText(diagnostic.range), '"hiddenSise"');
      assert.match(diagnostic.message, /unknown key "hiddenSise" in model; did you mean "hiddenSize"\?/);
      // The JSON service's "Property hiddenSise is not allowed" warning would say the same thing at a lower severity.
      // Give it the time to validate the file (it flags a schema error in the same pass), then check it did not.
      const withSchemaError = text.replace('"samples": 200', '"samples": -1');
      await editor.edit((edit) => edit.replace(new vscode.Range(editor.document.positionAt(0), editor.document.positionAt(text.length)), withSchemaError));
      await waitFor('the schema diagnostic of the JSON service', () => diagnosticsOf(editor.document.uri).some((d) => d.source !== 'RNN Lab'));
      const onKey = diagnosticsOf(editor.document.uri).filter((d) => editor.document.getText(d.range) === '"hiddenSise"');
      assert.deepEqual(
        onKey.map((d) => [d.source, d.severity]),
        [['RNN Lab', vscode.DiagnosticSeverity.Error]],
      );
      await vscode.commands.executeCommand('workbench.action.files.revert');
      const runs = await vscode.commands.executeCommand<unknown[]>('rnnLab.train', uri);
      assert.deepEqual(runs, []);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(uri);
    }
  });

  test('Train RNN on a spec with errors does not start and points at the first error', async () => {
    const api = await rnnLab();
    const before = api.runs.active().length;
    const runs = await vscode.commands.executeCommand<unknown[]>('rnnLab.train', workspaceFile('broken.rnn.json'));
    assert.deepEqual(runs, []);
    assert.equal(api.runs.active().length, before);
  });
});
