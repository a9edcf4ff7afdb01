/**
 * The training doctor in the editor: a diagnostic at the setting concerned with its README link
 * and run, its Quick Fixes (a minimal edit that keeps comments, and Apply and Train), gone when
 * the key changes or a newer run is healthy; the live CodeLens and the runs view's mark.
 */
import assert from 'node:assert/strict';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { runDescription, type RunNode } from '../../../src/extension/runsView/runsViewItems';
import { codeLensTitles, openSpec, rnnLab, stopAllRuns, train, waitFor, waitForEnd, workspaceFile } from './support';

const SICK = 'doctor-dead-units.rnn.json';

function doctorDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'RNN Lab doctor');
}

async function quickFixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range)) ?? [];
  return actions.filter((action) => action.title.includes('model.') || action.title.includes('training.'));
}

suite('training doctor', () => {
  suiteSetup(async () => {
    await rnnLab();
  });
  teardown(stopAllRuns);

  test('a sick run puts a diagnostic on the setting; its Quick Fix edits just that value; Apply and Train makes it go', async () => {
    const editor = await openSpec(SICK);
    const document = editor.document;
    const original = document.getText();
    const [run] = await train(SICK);
    await waitForEnd(run);
    assert.deepEqual(
      run.findings.map((f) => f.code),
      ['dead-units'],
    );
    // The live run's diagnostic gives way to the final one (epoch 4) once the run has ended.
    const [diagnostic] = await waitFor('the final doctor diagnostic', () => {
      const found = doctorDiagnostics(document.uri);
      return found.length === 1 && found[0].message.endsWith('at epoch 4.') && found;
    });
    assert.equal(document.getText(diagnostic.range), '"relu"');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(diagnostic.message, /^Dead units: \d+ of 16 ReLU units are 0 at every probed sample and step at epoch 4\.$/);
    const code = diagnostic.code as { value: string; target: vscode.Uri };
    assert.equal(code.value, 'dead-units');
    assert.match(code.target.path, /README\.md$/);
    assert.match(code.target.fragment, /^L\d+$/);
    const [related] = diagnostic.relatedInformation ?? [];
    assert.ok(run.runDir && related.location.uri.fsPath.startsWith(run.runDir), related?.location.uri.fsPath);
    assert.match(related.message, /^Found in run \d{8}-\d{6}-[0-9a-f]{4}, epoch 4$/);

    // The runs view marks the run, the CodeLens says it too.
    const api = await rnnLab();
    assert.match(
      runDescription({ kind: 'run', id: 'x', live: run, summary: run.summary, annotations: {} } as unknown as RunNode, 'completed'),
      /^⚠ dead-units · /,
    );
    assert.ok((await codeLensTitles(document.uri)).includes('⚠ dead-units'));
    await api.inline.refresh();
    const namePosition = document.positionAt(document.getText().indexOf('"name"') + 2);
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, namePosition)) ?? [];
    const hover = hovers
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.match(hover, /\*\*Doctor:\*\*\n\n- ⚠ `dead-units`: Dead units: \d+ of 16 ReLU units/);

    const actions = await quickFixes(document.uri, diagnostic.range);
    assert.deepEqual(
      actions.map((a) => a.title),
      ['Use tanh: model.nonlinearity "tanh"', 'Use tanh: model.nonlinearity "tanh", and Train'],
    );
    assert.ok(actions[0].edit && (await vscode.workspace.applyEdit(actions[0].edit)));
    assert.equal(document.getText(), original.replace('"nonlinearity": "relu" }, // the culprit', '"nonlinearity": "tanh" }, // the culprit'));
    await waitFor('the diagnostic to go once the key changed', () => doctorDiagnostics(document.uri).length === 0);

    // Back to relu: the latest run still has the finding.
    await vscode.commands.executeCommand('workbench.action.files.revert');
    const [again] = await waitFor('the diagnostic to come back', () => doctorDiagnostics(document.uri).length > 0 && doctorDiagnostics(document.uri));
    const [, applyAndTrain] = await quickFixes(document.uri, again.range);
    assert.ok(applyAndTrain.command);
    const [retrained] = await vscode.commands.executeCommand<(typeof run)[]>(applyAndTrain.command.command, ...(applyAndTrain.command.arguments ?? []));
    assert.ok(!document.isDirty, 'the fix is saved before training');
    assert.match(document.getText(), /"nonlinearity": "tanh" \}, \/\/ the culprit/);
    await waitForEnd(retrained);
    assert.deepEqual(retrained.findings, []);
    assert.equal(api.doctor.diagnosticsOf(document.uri).length, 0);
    assert.deepEqual(doctorDiagnostics(document.uri), []);
    // Leave the fixture as it was for the other tests.
    await vscode.workspace.fs.writeFile(document.uri, Buffer.from(original));
  });

  test('a live run shows its finding in the CodeLens as soon as it is found', async () => {
    const uri = workspaceFile('doctor-dropout.rnn.json');
    await openSpec('doctor-dropout.rnn.json');
    const [run] = await train('doctor-dropout.rnn.json');
    const titles = await waitFor('the live finding in the CodeLens', async () => {
      const found = await codeLensTitles(uri);
      return found.includes('⚠ dropout-without-layers') && found;
    });
    assert.ok(run.isActive, 'still training');
    assert.ok(titles.includes('■ Stop'));
    const [diagnostic] = await waitFor('the live diagnostic', () => doctorDiagnostics(uri).length > 0 && doctorDiagnostics(uri));
    assert.match(diagnostic.message, /^Dropout 0\.3 does nothing with one layer/);
    run.stop();
    await waitForEnd(run);
  });
});
