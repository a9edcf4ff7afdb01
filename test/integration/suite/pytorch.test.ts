/**
 * The pytorch engine in the editor: `rnnLab.engine: "pytorch"` trains a spec through train.py in a child
 * process and the run streams in as a kernel run's does (device in the start event, CodeLens, run folder);
 * Stop keeps it as stopped with its weights; a Python without torch fails the run with the message that
 * names it; Export as PyTorch Project… writes a project for a spec and for a run. Without torch the
 * training tests skip, except in CI.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { findTorchPython } from '../../../src/engine/pytorch/python';
import { codeLensTitles, readSummary, rnnLab, runFileExists, stopAllRuns, train, waitFor, waitForEnd, workspaceFile } from './support';

const SPEC = 'pytorch.rnn.json';

suite('pytorch engine', () => {
  const torch = findTorchPython();
  const config = () => vscode.workspace.getConfiguration('rnnLab');

  suiteSetup(async () => {
    await rnnLab();
    await config().update('engine', 'pytorch', vscode.ConfigurationTarget.Workspace);
  });

  teardown(async () => {
    await stopAllRuns();
    await config().update('pythonPath', undefined, vscode.ConfigurationTarget.Workspace);
  });

  suiteTeardown(async () => {
    await config().update('engine', undefined, vscode.ConfigurationTarget.Workspace);
  });

  const needTorch = (context: Mocha.Context): string => {
    if (!torch) {
      if (process.env.CI === 'true') assert.fail('CI must have PyTorch: the set-up installs python3-torch');
      context.skip();
    }
    return torch!.python;
  };

  test('a run trains through train.py: the device in its start event, the CodeLens, a complete run folder', async function () {
    this.timeout(180_000);
    await config().update('pythonPath', needTorch(this), vscode.ConfigurationTarget.Workspace);
    const [run] = await train(SPEC);
    await waitForEnd(run, 170_000);
    assert.equal(run.state, 'completed', run.reason);
    assert.equal(run.progress.start?.engine, 'pytorch');
    assert.equal(run.progress.start?.device, 'cpu');
    const summary = readSummary(run.runDir!);
    assert.deepEqual([summary.status, summary.engine, summary.epochsDone, summary.device], ['completed', 'pytorch', 3, 'cpu']);
    for (const file of ['spec.json', 'metrics.jsonl', 'probes.jsonl', 'weights.json']) assert.ok(runFileExists(run.runDir!, file), file);
    const lens = await waitFor('the last-run CodeLens', async () => (await codeLensTitles(workspaceFile(SPEC))).find((title) => title.startsWith('last run:')));
    assert.match(lens, /^last run: val [\d.e-]+ \(best at epoch [1-3]\)/);
  });

  test('Stop keeps the run as stopped, with its weights', async function () {
    this.timeout(180_000);
    await config().update('pythonPath', needTorch(this), vscode.ConfigurationTarget.Workspace);
    const [run] = await train('slow.rnn.json');
    await waitFor('the first steps', () => run.progress.step >= 3, 150_000);
    await vscode.commands.executeCommand('rnnLab.stop', workspaceFile('slow.rnn.json'));
    await waitForEnd(run, 25_000);
    assert.equal(run.state, 'stopped');
    assert.equal(readSummary(run.runDir!).status, 'stopped');
    assert.ok(runFileExists(run.runDir!, 'weights.json'));
  });

  test('a Python without torch fails the run with the message that says what to do', async function () {
    this.timeout(60_000);
    await config().update('pythonPath', '/nonexistent/python3', vscode.ConfigurationTarget.Workspace);
    const [run] = await train(SPEC);
    await waitForEnd(run, 50_000);
    assert.equal(run.state, 'failed');
    assert.equal(run.reason, 'PyTorch not found for /nonexistent/python3: install torch or set rnnLab.pythonPath');
  });

  test('Export as PyTorch Project… writes a project for a spec, and for a run with its final weights', async function () {
    this.timeout(60_000);
    const api = await rnnLab();
    const out = mkdtempSync(path.join(tmpdir(), 'rnn-export-pytorch-'));
    const specProject = path.join(out, 'spec');
    assert.equal(await vscode.commands.executeCommand('rnnLab.exportPytorch', workspaceFile(SPEC), { to: vscode.Uri.file(specProject) }), specProject);
    for (const file of ['train.py', 'spec.json', 'data.safetensors', 'init.safetensors', 'README.md']) {
      assert.ok(existsSync(path.join(specProject, file)), file);
    }
    if (!torch) return; // no run of this spec was trained: the spec's export is the test
    const runNode = await waitFor('the trained run in the runs view', async () => {
      const experiment = (await api.runsView.getChildren()).find((node) => node.kind === 'experiment' && node.specUri.fsPath.endsWith(SPEC));
      const children = experiment ? await api.runsView.getChildren(experiment) : [];
      return children.find((node) => node.kind === 'run' && node.runDir && existsSync(path.join(node.runDir, 'weights.json')));
    });
    const runProject = path.join(out, 'run');
    assert.equal(await vscode.commands.executeCommand('rnnLab.exportPytorch', runNode, { to: vscode.Uri.file(runProject) }), runProject);
    assert.ok(existsSync(path.join(runProject, 'init.safetensors')));
  });
});
