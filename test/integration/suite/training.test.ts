/**
 * Training from the editor: CodeLens titles before, during and after a run, a finished run
 * with its folder, Stop mid-run, two runs at once, and a run too large for its memory limit.
 */
import assert from 'node:assert/strict';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { TrainingRun } from '../../../src/extension/training/trainingRun';
import { codeLensTitles, readSummary, rnnLab, runFileExists, train, waitFor, waitForEnd, workspaceFile, stopAllRuns } from './support';

suite('training', () => {
  suiteSetup(async () => {
    await rnnLab();
  });

  teardown(async () => {
    await stopAllRuns();
  });

  test("idle CodeLens: Train and Open panel; a sweep adds Train sweep (N runs); Train's hover holds the memory estimate", async () => {
    const titles = await codeLensTitles(workspaceFile('sine.rnn.json'));
    assert.deepEqual(titles.slice(0, 2), ['▶ Train', 'Open panel']);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', workspaceFile('sine.rnn.json'));
    assert.match(lenses[0].command?.tooltip ?? '', /^Memory: about [\d.]+ kB: 273 parameters [\d.]+ kB \(with gradients and copies\), BPTT activations /);
    const sweep = await codeLensTitles(workspaceFile('sweep.rnn.json'));
    assert.deepEqual(sweep.slice(0, 3), ['▶ Train', '▶ Train sweep (2 runs)', 'Open panel']);
  });

  test('Train runs to a finished run with its folder written; the CodeLens follows it', async () => {
    const uri = workspaceFile('sine-medium.rnn.json');
    const [run] = await train('sine-medium.rnn.json');
    assert.ok(run, 'a run was queued');
    const during = await waitFor('a live CodeLens summary', async () => {
      const titles = await codeLensTitles(uri);
      return titles[0] === '■ Stop' && /^epoch \d+\/4 · loss [\d.e-]+ · median \d+ steps\/s$/.test(titles[1]) && titles;
    });
    assert.equal(during.length, 2);
    await waitForEnd(run);
    assert.equal(run.state, 'completed');
    const summary = readSummary(run.runDir!);
    assert.equal(summary.status, 'completed');
    assert.equal(summary.epochsDone, 4);
    for (const file of ['spec.json', 'metrics.jsonl', 'probes.jsonl', 'weights.json']) {
      assert.ok(runFileExists(run.runDir!, file), `${file} is written`);
    }
    const after = await waitFor('the last-run CodeLens', async () => {
      const titles = await codeLensTitles(uri);
      return titles.find((title) => title.startsWith('last run:'));
    });
    assert.match(after, /^last run: val [\d.e-]+ \(best at epoch [1-4]\) · just now$/);
  });

  test('Stop ends a run mid-epoch within a second and keeps it', async () => {
    const [run] = await train('slow.rnn.json');
    await waitFor('the first steps', () => run.progress.step >= 3);
    const asked = Date.now();
    await vscode.commands.executeCommand('rnnLab.stop', workspaceFile('slow.rnn.json'));
    await waitForEnd(run, 5000);
    assert.ok(Date.now() - asked < 1000, `stopped after ${Date.now() - asked} ms`);
    assert.equal(run.state, 'stopped');
    assert.ok(run.progress.epoch <= 1, 'it stopped in the first epoch');
    const summary = readSummary(run.runDir!);
    assert.equal(summary.status, 'stopped');
    assert.ok(runFileExists(run.runDir!, 'weights.json'), 'the weights are kept');
  });

  test("the CodeLens, the Stop button's context and the status bar follow a run's status in the same turn", async () => {
    const api = await rnnLab();
    const uri = workspaceFile('sine-medium.rnn.json');
    const config = vscode.workspace.getConfiguration('rnnLab');
    // The longest refresh period: only progress may wait for it, never a change of status.
    await config.update('codeLensRefreshMs', 5000, vscode.ConfigurationTarget.Workspace);
    const refreshes: string[] = [];
    const watch = api.codeLens.onDidChangeCodeLenses(() => refreshes.push(run?.state ?? 'none'));
    let run: TrainingRun | undefined;
    try {
      const ended = new Promise<{ refreshes: string[]; context: readonly string[]; statusBar?: string }>((resolve) => {
        const subscription = api.runs.onDidEnd((done) => {
          if (done !== run) return;
          subscription.dispose();
          resolve({ refreshes: [...refreshes], context: api.trainingContext.specs, statusBar: api.statusBar.shownText });
        });
      });
      [run] = await train('sine-medium.rnn.json');
      await waitFor('the first steps', () => run!.progress.step > 0);
      assert.deepEqual(api.trainingContext.specs, [uri.fsPath], 'Stop in the editor title while it trains');
      assert.match(api.statusBar.shownText ?? '', /RNN Lab: 1 training/);
      const atEnd = await ended;
      assert.equal(run.state, 'completed');
      assert.equal(atEnd.refreshes.at(-1), 'completed', `the CodeLens refreshed as the run ended (refreshes: ${atEnd.refreshes.join(', ')})`);
      assert.deepEqual(atEnd.context, [], 'no Stop in the editor title once it ended');
      assert.equal(atEnd.statusBar, undefined, 'no status bar item once it ended');
      const titles = await codeLensTitles(uri);
      assert.deepEqual(titles.slice(0, 2), ['▶ Train', 'Open panel']);
    } finally {
      watch.dispose();
      await config.update('codeLensRefreshMs', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('Stop: the CodeLens says stopping at once, and the reason names the epoch and step the views show', async () => {
    const api = await rnnLab();
    const uri = workspaceFile('slow.rnn.json');
    const [run] = await train('slow.rnn.json');
    await waitFor('the first steps', () => run.progress.step >= 3);
    let refreshedAs: string | undefined;
    const watch = api.codeLens.onDidChangeCodeLenses(() => (refreshedAs ??= run.state));
    const asked = performance.now();
    try {
      await vscode.commands.executeCommand('rnnLab.stop', uri);
      assert.equal(refreshedAs, 'stopping', 'the CodeLens refreshed as the stop was asked');
      assert.match((await codeLensTitles(uri)).join(' | '), /stopping…|last run:/);
      await waitForEnd(run, 5000);
    } finally {
      watch.dispose();
    }
    console.log(`      Stop took ${Math.round(performance.now() - asked)} ms from the command to the run's end`);
    const { epoch, step } = run.progress;
    assert.match(run.reason ?? '', new RegExp(`^stopped by the user (at|after) epoch ${epoch}, step ${step}$`));
    assert.equal(readSummary(run.runDir!).reason, run.reason);
  });

  test('two experiments train at once', async () => {
    const api = await rnnLab();
    let overlapped = false;
    const watch = api.runs.onDidChange(() => {
      const training = api.runs.active().filter((run) => run.state === 'running' && run.progress.step > 0);
      overlapped ||= training.length === 2;
    });
    const [slow] = await train('slow.rnn.json');
    await waitFor('the first run to make steps', () => slow.progress.step > 0);
    const [sine] = await train('sine-medium.rnn.json');
    await waitForEnd(sine);
    watch.dispose();
    assert.ok(overlapped, 'both runs made steps at the same time');
    assert.equal(sine.state, 'completed');
    assert.equal(slow.state, 'running', 'the slow run goes on');
  });

  test('a spec too large for rnnLab.workerMemoryLimitMb does not start: the validator says what it needs; other runs carry on', async () => {
    const config = vscode.workspace.getConfiguration('rnnLab');
    await config.update('workerMemoryLimitMb', 64, vscode.ConfigurationTarget.Workspace);
    try {
      const [slow] = await train('slow.rnn.json');
      const uri = workspaceFile('memory-hungry.rnn.json');
      assert.deepEqual(await train('memory-hungry.rnn.json'), [], 'no run was queued');
      const messages = vscode.languages.getDiagnostics(uri).map((d) => d.message);
      assert.ok(
        messages.some((m) =>
          /^this run needs about \d+ MB; the memory limit is 64 MB \(rnnLab\.workerMemoryLimitMb, or --memory-limit\); lower probe\.samples/.test(m),
        ),
        messages.join(' | '),
      );
      assert.equal(slow.state, 'running', 'the other run carries on');
    } finally {
      await config.update('workerMemoryLimitMb', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('a sweep queues one run per point and runs them', async () => {
    const runs = await train('sweep.rnn.json', true);
    assert.deepEqual(
      runs.map((run) => run.sweepRun.label),
      ['model.cell=rnn', 'model.cell=gru'],
    );
    for (const run of runs) {
      await waitForEnd(run);
      assert.equal(run.state, 'completed');
      assert.deepEqual(readSummary(run.runDir!).sweep?.assignments, run.sweepRun.assignments);
    }
  });
});
