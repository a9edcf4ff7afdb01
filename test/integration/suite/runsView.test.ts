/**
 * The runs view (`rnnLab.runs`): its tree for finished, failed, interrupted, damaged and
 * CLI-written runs, runs appearing on disk while it is shown, live runs, annotations,
 * comparing, deleting and exporting, spec files coming and going, and New Experiment.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { suite, suiteSetup, suiteTeardown, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { readAnnotations } from '../../../src/engine/runs/annotations';
import { experimentDir, RUN_FILES } from '../../../src/engine/runs/layout';
import { RunWriter } from '../../../src/engine/runs/runWriter';
import { loadSpecFile } from '../../../src/engine/spec/load';
import type { RunNode, RunsViewNode } from '../../../src/extension/runsView/runsViewItems';
import { ToWebviewType, type ToWebviewMessage } from '../../../src/protocol';
import { name, publisher } from '../../../package.json';
import type { TrainingRun } from '../../../src/extension/training/trainingRun';
import { holdAtTestGate, readSummary, rnnLab, stopAllRuns, train, waitFor, waitForEnd, workspaceFile } from './support';

const SPEC = 'runs-view.rnn.json';

function extensionPath(): string {
  return vscode.extensions.getExtension(`${publisher}.${name}`)!.extensionPath;
}

function runsDir(): string {
  return experimentDir(path.join(path.dirname(workspaceFile(SPEC).fsPath), '.rnn', 'runs'), workspaceFile(SPEC).fsPath);
}

/** A run folder written by the engine's run writer, ended as `status` (or left running). */
function seedRun(status: 'completed' | 'failed' | 'running', time: number, validationLoss = 0.5): string {
  const { spec } = loadSpecFile(workspaceFile(SPEC).fsPath, path.join(extensionPath(), 'media'));
  assert.ok(spec, 'the fixture spec is valid');
  const writer = RunWriter.create({ experimentDir: runsDir(), specPath: workspaceFile(SPEC).fsPath, spec, specChecksum: 'seeded', now: () => time });
  writer.record({
    type: 'start',
    backend: 'cpu',
    dataset: 'sine',
    cell: 'gru',
    parameterCount: 913,
    epochs: 3,
    stepsPerEpoch: 2,
    baseline: { loss: 1, label: 'last value' },
    time,
  });
  writer.record({ type: 'step', epoch: 1, step: 1, loss: 0.9, gradNorm: 1, learningRate: 0.01, stepsPerSecond: 100 });
  writer.record({ type: 'epoch', epoch: 1, trainLoss: 0.8, validationLoss, baselineLoss: 1, elapsedMs: 40 });
  if (status === 'completed') {
    writer.record({ type: 'end', status: 'completed', time: time + 50 });
    writer.saveWeights({
      weight_ih_l0: { shape: [2, 1], data: new Float32Array([0.25, -0.5]) },
      'head.weight': { shape: [1, 2], data: new Float32Array([1, 2]) },
    });
  } else if (status === 'failed') {
    writer.record({ type: 'end', status: 'failed', reason: 'Training diverged at epoch 1, step 1: the loss is NaN', time: time + 50 });
  }
  writer.close();
  if (status === 'running') {
    // As a killed process leaves it: `running`, with a pid that no longer exists.
    const summaryPath = path.join(writer.dir, RUN_FILES.summary);
    writeFileSync(summaryPath, JSON.stringify({ ...JSON.parse(readFileSync(summaryPath, 'utf8')), pid: 2 ** 22 + 4321 }));
  }
  return writer.dir;
}

async function experimentNode(file = SPEC) {
  const api = await rnnLab();
  const roots = await api.runsView.getChildren();
  return roots.find((node) => node.kind === 'experiment' && node.specUri.fsPath === workspaceFile(file).fsPath);
}

async function runNodes(): Promise<RunNode[]> {
  const api = await rnnLab();
  const experiment = await experimentNode();
  assert.ok(experiment, `${SPEC} is in the tree`);
  return (await api.runsView.getChildren(experiment)) as RunNode[];
}

/** label, description and tooltip of a node as VS Code gets them. */
async function item(node: RunsViewNode): Promise<{ label: string; description: string; tooltip: string; icon: string; contextValue?: string }> {
  const treeItem = (await rnnLab()).runsView.getTreeItem(node);
  return {
    label: String(typeof treeItem.label === 'object' ? treeItem.label.label : treeItem.label),
    description: String(treeItem.description ?? ''),
    tooltip: treeItem.tooltip instanceof vscode.MarkdownString ? treeItem.tooltip.value : String(treeItem.tooltip ?? ''),
    icon: treeItem.iconPath instanceof vscode.ThemeIcon ? `${treeItem.iconPath.id}/${treeItem.iconPath.color?.id}` : '',
    contextValue: treeItem.contextValue,
  };
}

async function nodeOf(runDir: string): Promise<RunNode> {
  return waitFor(`${path.basename(runDir)} in the tree`, async () => (await runNodes()).find((node) => node.runDir === runDir));
}

suite('runs view', () => {
  const seeded: Record<string, string> = {};

  suiteSetup(async () => {
    await rnnLab();
    rmSync(runsDir(), { recursive: true, force: true });
    // A second apart, oldest first.
    const start = Date.now() - 10_000;
    seeded.best = seedRun('completed', start, 0.25);
    seeded.other = seedRun('completed', start + 1000, 0.5);
    seeded.failed = seedRun('failed', start + 2000);
    seeded.interrupted = seedRun('running', start + 3000);
    // Half-written: a spec and a summary cut short, no metrics.
    seeded.damaged = path.join(runsDir(), '20260101-000000-dead');
    mkdirSync(seeded.damaged);
    writeFileSync(path.join(seeded.damaged, RUN_FILES.spec), '{}');
    writeFileSync(path.join(seeded.damaged, RUN_FILES.summary), '{"status": "runn');
  });

  teardown(async () => {
    await stopAllRuns();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(() => rmSync(runsDir(), { recursive: true, force: true }));

  test('the tree: the experiment with its run count and best value; each run with its status, result and reasons', async () => {
    const nodes = await waitFor('the five seeded runs', async () => {
      const found = await runNodes();
      return found.length === 5 && found;
    });
    const experiment = await item((await experimentNode())!);
    assert.equal(experiment.label, 'runs-view');
    assert.equal(experiment.description, '5 runs · best 0.25');
    const items = new Map(await Promise.all(nodes.map(async (node) => [node.runDir!, await item(node)] as const)));
    const best = items.get(seeded.best)!;
    assert.equal(best.label, path.basename(seeded.best), 'no name or sweep label: the run id');
    assert.match(best.description, /^val 0\.25 · 50ms · just now$/);
    assert.equal(best.icon, 'pass/testing.iconPassed');
    assert.match(best.tooltip, /Best validation \| 0\\\.25 at epoch 1/);
    assert.match(best.tooltip, /Parameters \| 913/);
    assert.equal(best.contextValue, 'rnnLab.run');
    const failed = items.get(seeded.failed)!;
    assert.match(failed.description, /^failed: Training diverged at epoch 1, step 1: the loss is NaN · just now$/);
    assert.equal(failed.icon, 'error/testing.iconFailed');
    const interrupted = items.get(seeded.interrupted)!;
    assert.match(interrupted.description, /^interrupted: the training process \(pid \d+\) is gone/);
    assert.equal(interrupted.icon, 'debug-disconnect/charts.orange');
    const damaged = items.get(seeded.damaged)!;
    assert.match(damaged.description, /^interrupted: summary\.json is missing or unreadable; rebuilt/);
    assert.match(damaged.tooltip, /summary\\\.json is missing or unreadable; rebuilt from metrics\\\.jsonl/, 'the whole reason in the tooltip');
    assert.deepEqual(
      nodes.map((node) => node.runDir),
      [seeded.interrupted, seeded.failed, seeded.other, seeded.best, seeded.damaged],
      'newest first',
    );
    await vscode.commands.executeCommand('rnnLab.sortRunsByBest');
    const byBest = (await runNodes()).map((node) => node.runDir);
    assert.equal(byBest[0], seeded.best, 'the best validation value first');
    assert.equal(byBest.at(-1), seeded.damaged, 'a run without a validation value last');
    await vscode.commands.executeCommand('rnnLab.sortRunsByNewest');
  });

  test('a run of the command line appears while the tree is shown, without a refresh', async function () {
    this.timeout(120_000);
    const before = new Set((await runNodes()).map((node) => node.id));
    const api = await rnnLab();
    const reads = api.runsView.readCount;
    const cli = path.join(extensionPath(), 'dist', 'cli.js');
    // Held after its first epoch until the tree has shown it training, however fast the machine trains.
    const release = holdAtTestGate('runs-view');
    const finished = new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [cli, 'train', workspaceFile(SPEC).fsPath],
        { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 90_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`the CLI failed: ${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    finished.catch(() => undefined);
    let running: RunNode;
    try {
      running = await waitFor(
        'the CLI run in the tree while it trains',
        async () => (await runNodes()).find((node) => !before.has(node.id) && node.summary?.status === 'running'),
        60_000,
      );
      // Its summary says "starting" until the run's first epoch is written, then how far it got.
      const trainingNode = running;
      await waitFor('the CLI run described with its epochs', async () => {
        const node = (await runNodes()).find((candidate) => candidate.id === trainingNode.id);
        return node && /^epoch \d\/3 · .*another process/.test((await item(node)).description) ? node : undefined;
      });
      assert.equal((await item(running)).icon, 'sync~spin/charts.blue');
    } finally {
      release();
    }
    const runDir = /Run folder: (.+)/.exec(await finished)?.[1]?.trim();
    assert.equal(runDir, running.runDir);
    const done = await waitFor('the CLI run completed in the tree', async () =>
      (await runNodes()).find((node) => node.runDir === runDir && node.summary?.status === 'completed'),
    );
    assert.match((await item(done)).description, /^val [\d.e-]+ · /);
    assert.ok(api.runsView.readCount > reads, 'the experiment was read again after the file events');
  });

  test('rename, note and tags: stored in annotations.json and shown in the tree', async () => {
    const node = await nodeOf(seeded.best);
    await vscode.commands.executeCommand('rnnLab.renameRun', node, 'lr 0.01 baseline');
    await vscode.commands.executeCommand('rnnLab.editRunNote', node, 'the first run that beat the baseline');
    await vscode.commands.executeCommand('rnnLab.editRunTags', node, ['baseline', 'gru']);
    assert.deepEqual(readAnnotations(seeded.best), { name: 'lr 0.01 baseline', note: 'the first run that beat the baseline', tags: ['baseline', 'gru'] });
    const renamed = await item(await nodeOf(seeded.best));
    assert.equal(renamed.label, 'lr 0.01 baseline');
    assert.match(renamed.description, / · #baseline · #gru$/);
    assert.match(renamed.tooltip, /\*\*Note:\*\* the first run that beat the baseline/);
    await vscode.commands.executeCommand('rnnLab.editRunTags', await nodeOf(seeded.best), ['gru']);
    assert.deepEqual(readAnnotations(seeded.best).tags, ['gru'], 'a tag removed');
    await vscode.commands.executeCommand('rnnLab.renameRun', await nodeOf(seeded.best), '');
    assert.equal((await item(await nodeOf(seeded.best))).label, path.basename(seeded.best), 'an empty name goes back to the id');
  });

  test('Compare with two runs selected opens the panel on the Compare view with those two ticked', async () => {
    const [a, b] = [await nodeOf(seeded.best), await nodeOf(seeded.other)];
    await vscode.commands.executeCommand('rnnLab.compareRuns', a, [a, b]);
    const panel = (await rnnLab()).panels.panelFor(workspaceFile(SPEC));
    assert.ok(panel, 'the experiment panel is open');
    const messages: ToWebviewMessage[] = [];
    const watch = panel.onDidPost((message) => messages.push(message));
    const focus = await waitFor('the focus message', () => messages.find((m) => m.type === ToWebviewType.Focus));
    watch.dispose();
    assert.ok(focus.type === ToWebviewType.Focus);
    assert.equal(focus.view, 'compare');
    assert.deepEqual([...(focus.compareRunIds ?? [])].sort(), [a.id, b.id].sort());
  });

  test('exports: metrics as CSV and JSON, weights as safetensors and JSON', async () => {
    const node = await nodeOf(seeded.other);
    const out = path.join(path.dirname(workspaceFile(SPEC).fsPath), 'exports');
    mkdirSync(out, { recursive: true });
    const csv = vscode.Uri.file(path.join(out, 'metrics.csv'));
    const json = vscode.Uri.file(path.join(out, 'metrics.json'));
    const tensors = vscode.Uri.file(path.join(out, 'weights.safetensors'));
    const copy = vscode.Uri.file(path.join(out, 'weights.json'));
    await vscode.commands.executeCommand('rnnLab.exportRunMetrics', node, { to: csv });
    await vscode.commands.executeCommand('rnnLab.exportRunMetrics', node, { to: json });
    await vscode.commands.executeCommand('rnnLab.exportRunWeights', node, { to: tensors, format: 'safetensors' });
    await vscode.commands.executeCommand('rnnLab.exportRunWeights', node, { to: copy, format: 'json' });
    const rows = readFileSync(csv.fsPath, 'utf8').trim().split('\n');
    assert.equal(rows[0], 'kind,epoch,step,loss,gradNorm,learningRate,trainLoss,validationLoss,baselineLoss,trainAccuracy,validationAccuracy,elapsedMs');
    assert.deepEqual(
      rows.slice(1).map((row) => row.split(',')[0]),
      ['step', 'epoch'],
    );
    assert.equal(JSON.parse(readFileSync(json.fsPath, 'utf8')).epochs[0].validationLoss, 0.5);
    const bytes = readFileSync(tensors.fsPath);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8'));
    assert.deepEqual(header['head.weight'], { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] });
    assert.deepEqual(header.weight_ih_l0, { dtype: 'F32', shape: [2, 1], data_offsets: [8, 16] });
    assert.equal(bytes.readFloatLE(8 + headerLength + 12), -0.5);
    assert.deepEqual(JSON.parse(readFileSync(copy.fsPath, 'utf8')), JSON.parse(readFileSync(path.join(seeded.other, RUN_FILES.weights), 'utf8')));
    const failed = await nodeOf(seeded.failed);
    const none = await vscode.commands.executeCommand('rnnLab.exportRunWeights', failed, {
      to: vscode.Uri.file(path.join(out, 'none.safetensors')),
      format: 'safetensors',
    });
    assert.equal(none, undefined, 'a failed run has no weights to export');
    assert.equal(existsSync(path.join(out, 'none.safetensors')), false);
    rmSync(out, { recursive: true, force: true });
  });

  test('a live run shows its progress; it cannot be deleted until it has ended', async () => {
    const [run] = await train(SPEC);
    const live = await waitFor(
      'the live run with its epoch in the tree',
      async () => {
        const node = (await runNodes()).find((candidate) => candidate.live === run);
        const shown = node && (await item(node));
        return node?.runDir !== undefined && shown !== undefined && /^epoch \d+\/3 · loss [\d.e-]+/.test(shown.description) ? node : undefined;
      },
      60_000,
    );
    assert.equal((await item(live)).icon, 'sync~spin/charts.blue');
    assert.equal((await item(live)).contextValue, 'rnnLab.liveRun');
    const deleted = await vscode.commands.executeCommand<string[]>('rnnLab.deleteRun', live, { confirm: false });
    assert.deepEqual(deleted, []);
    assert.ok(existsSync(live.runDir!), 'the live run is kept');
    run.stop();
    const ended = await waitFor(
      'the stopped run in the tree',
      async () => {
        const node = (await runNodes()).find((candidate) => candidate.runDir === live.runDir);
        return node && !node.live && node.summary?.status === 'stopped' && node;
      },
      30_000,
    );
    assert.match((await item(ended)).description, /^stopped · /);
  });

  test('Resume Run continues a stopped run in its own folder, its curve going on, until it completes', async function () {
    this.timeout(120_000);
    const [run] = await train(SPEC);
    await waitFor('the first finished epoch', () => run.progress.epochsDone >= 1, 60_000);
    run.stop();
    const stopped = await waitFor(
      'the stopped run in the tree',
      async () => {
        const node = (await runNodes()).find((candidate) => candidate.runDir === run.runDir);
        return node && !node.live && node.summary?.status === 'stopped' && node;
      },
      30_000,
    );
    assert.equal((await item(stopped)).contextValue, 'rnnLab.run.resumable', 'Resume Run is offered');
    assert.equal((await item(await nodeOf(seeded.best))).contextValue, 'rnnLab.run', 'not for a completed run');
    const resumed = await vscode.commands.executeCommand<TrainingRun | undefined>('rnnLab.resumeRun', stopped);
    assert.ok(resumed, 'the run was queued');
    await waitForEnd(resumed, 90_000);
    assert.equal(resumed.state, 'completed', resumed.reason);
    assert.equal(resumed.runDir, stopped.runDir, 'the same folder');
    const summary = readSummary(stopped.runDir!);
    assert.equal(summary.status, 'completed');
    assert.equal(summary.epochsDone, 3);
    const lines = readFileSync(path.join(stopped.runDir!, RUN_FILES.metrics), 'utf8').trim().split('\n');
    const events = lines.map((line) => JSON.parse(line) as { type: string; step?: number });
    const steps = events.filter((event) => event.type === 'step').map((event) => event.step);
    assert.deepEqual(
      steps,
      steps.map((_, i) => i + 1),
      'every step once, in order',
    );
    const none = await vscode.commands.executeCommand('rnnLab.resumeRun', await nodeOf(seeded.best));
    assert.equal(none, undefined, 'a completed run is not resumed');
  });

  test('delete with { confirm: false }: the selected runs go, from disk and from the tree', async () => {
    const [a, b] = [await nodeOf(seeded.failed), await nodeOf(seeded.damaged)];
    const count = (await runNodes()).length;
    const deleted = await vscode.commands.executeCommand<string[]>('rnnLab.deleteRun', a, [a, b], { confirm: false });
    assert.deepEqual(deleted, [seeded.failed, seeded.damaged]);
    assert.equal(existsSync(seeded.failed) || existsSync(seeded.damaged), false);
    const after = await runNodes();
    assert.equal(after.length, count - 2);
    assert.ok(!after.some((node) => node.runDir === seeded.failed || node.runDir === seeded.damaged));
    assert.equal((await item((await experimentNode())!)).description.startsWith(`${count - 2} runs`), true);
  });

  test('New Experiment writes a starter spec that validates, and the tree follows spec files created and deleted', async () => {
    const target = workspaceFile('starter-sine.rnn.json');
    const created = await vscode.commands.executeCommand<vscode.Uri>('rnnLab.newExperiment', { task: 'sine', to: target });
    assert.equal(created?.fsPath, target.fsPath);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, target.fsPath, 'the new spec is opened');
    assert.match(readFileSync(target.fsPath, 'utf8'), /"name": "starter-sine"/);
    const check = loadSpecFile(target.fsPath, path.join(extensionPath(), 'media'));
    assert.deepEqual(
      check.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    await waitFor('the new experiment in the tree', () => experimentNode('starter-sine.rnn.json'));
    const again = await vscode.commands.executeCommand('rnnLab.newExperiment', { task: 'adding', to: target });
    assert.equal(again, undefined, 'an existing file is not overwritten');
    assert.match(readFileSync(target.fsPath, 'utf8'), /"type": "sine"/);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(target.fsPath);
    await waitFor('the deleted spec gone from the tree', async () => (await experimentNode('starter-sine.rnn.json')) === undefined);
  });
});
