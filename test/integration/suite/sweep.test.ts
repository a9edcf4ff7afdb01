/**
 * Sweeps as a group: one "train the sweep" action records its runs under one sweep group, shows
 * the sweep's progress in the CodeLens, is summarised by the panel's Sweep view, and stops as a
 * whole (its queued runs never start). The panel copes with a run folder deleted from disk.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { FromWebviewType, ToWebviewType, type ToWebviewMessage } from '../../../src/protocol';
import { codeLensTitles, holdAtTestGate, readSummary, rnnLab, stopAllRuns, train, waitFor, waitForEnd, workspaceFile } from './support';

const SPEC = 'sweep-three.rnn.json';

suite('sweep', () => {
  suiteSetup(async () => {
    await rnnLab();
  });

  teardown(async () => {
    await stopAllRuns();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a 3-run sweep is recorded as one group and summarised by the panel; two of its runs compare; a deleted run leaves the summary', async () => {
    const api = await rnnLab();
    const uri = workspaceFile(SPEC);
    const runs = await train(SPEC, true);
    assert.equal(runs.length, 3);
    const during = await waitFor('the sweep progress in the CodeLens', async () =>
      (await codeLensTitles(uri)).find((title) => /^Sweep [0-2]\/3 done · [12] training/.test(title)),
    );
    assert.ok(during);
    await Promise.all(runs.map((run) => waitForEnd(run, 120_000)));
    assert.deepEqual(
      runs.map((run) => run.state),
      ['completed', 'completed', 'completed'],
    );

    const summaries = runs.map((run) => readSummary(run.runDir!));
    const groups = summaries.map((summary) => summary.sweep?.group);
    assert.ok(groups[0]?.id, 'the runs record a sweep group');
    assert.deepEqual(
      groups,
      [0, 1, 2].map((index) => ({ id: groups[0]!.id, index, count: 3 })),
    );
    const ids = summaries.map((summary) => summary.id);
    const best = summaries.reduce((a, b) => (b.bestValidationLoss! < a.bestValidationLoss! ? b : a));

    const panel = api.panels.show(uri);
    const summary = await waitFor(
      'the sweep summary of the three finished runs',
      () => {
        const sweep = panel.lastSweepSummary?.sweep;
        return sweep?.groupId === groups[0]!.id && sweep.runs.length === 3 && sweep.runs.every((run) => run.status === 'completed') && sweep;
      },
      20_000,
    );
    assert.deepEqual(summary.keys, ['training.learningRate']);
    assert.deepEqual(
      summary.runs.map((run) => [run.id, run.values['training.learningRate']]),
      [
        [ids[0], 0.001],
        [ids[1], 0.01],
        [ids[2], 0.1],
      ],
    );
    assert.equal(summary.bestRunId, best.id, 'the run with the lowest best validation loss is marked');
    assert.deepEqual(
      summary.runs.map((run) => run.epochsDone),
      [8, 8, 8],
    );
    assert.equal(panel.lastSweepSummary?.groups[0]?.id, groups[0]!.id, 'the newest group comes first');

    // The Compare view of two sweep runs: an ordinary run comparison.
    const messages: ToWebviewMessage[] = [];
    const watch = panel.onDidPost((message) => messages.push(message));
    api.panels.show(uri, { compareRunIds: [ids[0], ids[2]] });
    const compared = await waitFor(
      'the comparison of the two runs',
      () =>
        messages.find(
          (m) => m.type === ToWebviewType.Compare && m.runs.length === 2 && m.runs.some((run) => run.id === ids[0]) && m.runs.some((run) => run.id === ids[2]),
        ),
      20_000,
    );
    assert.ok(compared.type === ToWebviewType.Compare && compared.runs.every((run) => run.epochs.length === 8));
    // What the sweep progress in the CodeLens and the status bar runs: the panel on its Sweep view.
    await vscode.commands.executeCommand('rnnLab.openPanel', uri, 'sweep');
    assert.ok(
      messages.some((m) => m.type === ToWebviewType.Focus && m.view === 'sweep'),
      'the Sweep view is brought forward',
    );

    // Delete Run on a sweep run while the panel shows it.
    api.panels.show(uri, { runId: ids[1] });
    await waitFor('the panel to show the run', () => panel.shownRunId === ids[1]);
    messages.length = 0;
    const rejected = panel.rejectedMessages;
    const deleted = await vscode.commands.executeCommand<string[]>('rnnLab.deleteRun', vscode.Uri.file(runs[1].runDir!), { confirm: false });
    assert.deepEqual(deleted, [runs[1].runDir]);
    assert.ok(!existsSync(runs[1].runDir!), 'the run folder is gone');
    assert.equal(await api.runsView.findRun(runs[1].runDir!), undefined, 'the runs view no longer lists it');
    const list = messages.find((m) => m.type === ToWebviewType.RunList);
    assert.notEqual(panel.shownRunId, ids[1], 'the panel shows another run');
    assert.ok(list?.type === ToWebviewType.RunList && !list.runs.some((run) => run.id === ids[1]), 'the run list no longer has the deleted run');
    const after = panel.lastSweepSummary?.sweep;
    assert.deepEqual(
      after?.runs.map((run) => run.id),
      [ids[0], ids[2]],
      'the sweep summary no longer has it',
    );
    assert.equal(after?.count, 3, 'the sweep still says it had three runs');
    assert.equal(panel.rejectedMessages, rejected);
    assert.equal(await panel.receive({ type: FromWebviewType.SelectRun, runId: ids[1] }), true, 'selecting the deleted run is answered');
    assert.ok(
      messages.some((m) => m.type === ToWebviewType.Notice && m.text.includes(ids[1])),
      'with a note that it is gone',
    );
    watch.dispose();
  });

  test('rnnLab.maxParallelRuns 2 trains two points at once; Stop on one point stops it and the next queued point starts', async () => {
    const config = vscode.workspace.getConfiguration('rnnLab');
    await config.update('maxParallelRuns', 2, vscode.ConfigurationTarget.Workspace);
    let release = () => {};
    try {
      // Every run waits after its first epoch until released, however fast the machine trains.
      release = holdAtTestGate('sweep-three');
      const runs = await train(SPEC, true);
      await waitFor('two points to train at once', () => runs[0].progress.step > 0 && runs[1].progress.step > 0, 60_000);
      assert.deepEqual(
        runs.map((run) => run.state),
        ['running', 'running', 'queued'],
      );
      runs[1].stop();
      await waitForEnd(runs[1]);
      assert.equal(runs[1].state, 'stopped');
      await waitFor('the queued point to start in the freed place', () => runs[2].state === 'running', 20_000);
      assert.equal(runs[0].state, 'running', 'the other point trains on');
      release();
      await Promise.all([waitForEnd(runs[0]), waitForEnd(runs[2])]);
      assert.deepEqual(
        runs.map((run) => run.state),
        ['completed', 'stopped', 'completed'],
      );
    } finally {
      release();
      await config.update('maxParallelRuns', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('stopping a sweep cancels its queued runs (they never start) and stops the training one', async () => {
    const config = vscode.workspace.getConfiguration('rnnLab');
    await config.update('maxParallelRuns', 1, vscode.ConfigurationTarget.Workspace);
    let release = () => {};
    try {
      const uri = workspaceFile(SPEC);
      // The first run waits after its first epoch until the sweep is stopped, however fast the machine trains.
      release = holdAtTestGate('sweep-three');
      const runs = await train(SPEC, true);
      await waitFor('the first run to train', () => runs[0].progress.step > 0, 60_000);
      assert.deepEqual(
        runs.map((run) => run.state),
        ['running', 'queued', 'queued'],
      );
      await waitFor('the sweep progress in the CodeLens', async () => (await codeLensTitles(uri)).includes('Sweep 0/3 done · 1 training · 2 queued'));
      const panel = (await rnnLab()).panels.show(uri);

      // rnnLab.stop asks: the sweep comes first ("Stop the sweep (3 runs)").
      let answered = false;
      const stopping = Promise.resolve(vscode.commands.executeCommand('rnnLab.stop', uri)).then(() => (answered = true));
      // Accept the quick pick's first item once it shows (accepting before that does nothing).
      await waitFor('the quick pick to be answered', async () => {
        if (!answered) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return answered;
      });
      await stopping;
      await waitForEnd(runs[0]);
      assert.equal(runs[0].state, 'stopped');
      assert.deepEqual(
        runs.slice(1).map((run) => [run.state, run.reason]),
        [
          ['cancelled', 'removed from the queue before it started'],
          ['cancelled', 'removed from the queue before it started'],
        ],
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      assert.ok(
        runs.slice(1).every((run) => run.runDir === undefined),
        'the queued runs never started',
      );
      assert.equal((await rnnLab()).runs.active().length, 0);
      const sweep = await waitFor(
        'the summary of the stopped sweep',
        () => {
          const shown = panel.lastSweepSummary?.sweep;
          return (
            shown !== undefined &&
            shown.groupId === readSummary(runs[0].runDir!).sweep?.group?.id &&
            shown.runs.filter((run) => run.status === 'cancelled').length === 2 &&
            shown
          );
        },
        20_000,
      );
      assert.deepEqual(
        sweep.runs.map((run) => run.status),
        ['stopped', 'cancelled', 'cancelled'],
      );
    } finally {
      release();
      await config.update('maxParallelRuns', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
