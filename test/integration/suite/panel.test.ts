/**
 * The experiment panel's host: it opens beside the editor for a spec, follows a run with
 * throttled progress messages, refuses malformed webview messages, and is restored after a
 * reload through its registered serializer.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import { PANEL_VIEW_TYPE, FromWebviewType, ToWebviewType, type ToWebviewMessage } from '../../../src/protocol';
import type { ExperimentPanels } from '../../../src/extension/panel/experimentPanel';
import { holdAtTestGate, hoverText, readSummary, rnnLab, train, waitFor, waitForEnd, workspaceFile, stopAllRuns } from './support';

async function panels(): Promise<ExperimentPanels> {
  return (await rnnLab()).panels;
}

function panelTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(PANEL_VIEW_TYPE));
}

suite('experiment panel', () => {
  suiteSetup(async () => {
    await rnnLab();
  });

  teardown(async () => {
    await stopAllRuns();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('rnnLab.openPanel opens one panel per experiment beside the editor', async () => {
    const uri = workspaceFile('sine.rnn.json');
    await vscode.window.showTextDocument(uri);
    await vscode.commands.executeCommand('rnnLab.openPanel', uri);
    const panel = await waitFor('the panel', async () => (await panels()).panelFor(uri));
    assert.equal(panel.panel.viewType, PANEL_VIEW_TYPE);
    assert.equal(panel.panel.title, 'RNN Lab: sine');
    await waitFor('the panel beside the editor', () => panel.panel.viewColumn === vscode.ViewColumn.Two);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString(), 'the editor keeps the focus');
    await vscode.commands.executeCommand('rnnLab.openPanel', uri);
    assert.equal(panelTabs().length, 1, 'opening again reveals the same panel');
  });

  test('the panel follows a run: its history, then progress at most ~5 times a second', async () => {
    const uri = workspaceFile('sine.rnn.json');
    const panel = (await panels()).show(uri);
    const messages: { at: number; message: ToWebviewMessage }[] = [];
    const watch = panel.onDidPost((message) => messages.push({ at: Date.now(), message }));
    // The panel's script (loaded under the CSP) says it is ready, and the host answers with the run list.
    await waitFor('the webview to be ready', () => messages.some((m) => m.message.type === ToWebviewType.RunList), 20_000);
    const isProgress = (m: { message: ToWebviewMessage }) => m.message.type === ToWebviewType.RunProgress;
    // Held after its first epoch until its progress has reached the panel, however fast the machine trains.
    const release = holdAtTestGate('sine-small');
    const [run] = await train('sine.rnn.json');
    try {
      await waitFor('progress while the run waits after its first epoch', () => run.progress.epochsDone === 1 && messages.some(isProgress));
    } finally {
      release();
    }
    await waitForEnd(run);
    await waitFor(
      'the last progress message, saying the run completed, and the last probe',
      () =>
        messages.some((m) => m.message.type === ToWebviewType.RunProgress && m.message.header.status === 'completed') &&
        messages.some((m) => m.message.type === ToWebviewType.Probe),
    );
    watch.dispose();
    const progress = messages.filter(isProgress);
    assert.ok(progress.length >= 2, `${progress.length} progress messages`);
    const steps = progress.flatMap((m) => (m.message.type === ToWebviewType.RunProgress ? m.message.steps : []));
    const loaded = messages.filter((m) => m.message.type === ToWebviewType.RunLoaded && m.message.header.id === panel.shownRunId);
    const loadedSteps = loaded.flatMap((m) => (m.message.type === ToWebviewType.RunLoaded ? m.message.steps : []));
    assert.ok(
      steps.length + loadedSteps.length >= run.progress.step * 0.9,
      `the steps reached the panel (${steps.length} + ${loadedSteps.length} of ${run.progress.step})`,
    );
    for (let i = 1; i < progress.length; i++) {
      assert.ok(progress[i].at - progress[i - 1].at >= 150, 'progress messages are throttled');
    }
    const last = progress.at(-1)!.message;
    assert.ok(last.type === ToWebviewType.RunProgress && last.header.status === 'completed', 'the last update says the run completed');
    assert.ok(
      messages.some((m) => m.message.type === ToWebviewType.Probe),
      'a probe reached the panel',
    );
    assert.equal(panel.shownRunId, run.runDir?.split(/[\\/]/).at(-1));
  });

  test('a panel that loads while a run trains gets the newest recorded probe, even when the run folder is ahead of the events', async () => {
    const uri = workspaceFile('sine-medium.rnn.json');
    const panel = (await panels()).show(uri);
    let listed = false;
    const watch = panel.onDidPost((message) => (listed ||= message.type === ToWebviewType.RunList));
    await waitFor('the webview to be ready', () => listed, 20_000);
    watch.dispose();
    const [run] = await train('sine-medium.rnn.json');
    await waitFor('the first probe', () => run.progress.probeEpochs.length > 0, 60_000);
    // Hold the extension host (as a busy one does) until the worker has recorded a probe whose event has not arrived.
    const probesFile = join(run.runDir!, 'probes.jsonl');
    const recorded = () =>
      readFileSync(probesFile, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '').length;
    const deadline = Date.now() + 60_000;
    while (recorded() <= run.progress.probeEpochs.length && Date.now() < deadline);
    assert.ok(recorded() > run.progress.probeEpochs.length, 'the run folder holds a probe the host has not seen yet');
    // The webview (re)loads now, as when the panel opens beside a run already under way.
    const posted: ToWebviewMessage[] = [];
    const follow = panel.onDidPost((message) => posted.push(message));
    void panel.receive({ type: FromWebviewType.Ready });
    follow.dispose();
    const loaded = posted.find((message) => message.type === ToWebviewType.RunLoaded);
    const probe = posted.find((message) => message.type === ToWebviewType.Probe);
    assert.ok(loaded?.type === ToWebviewType.RunLoaded && probe?.type === ToWebviewType.Probe, posted.map((m) => m.type).join(', '));
    assert.equal(probe.probe.epoch, loaded.probeEpochs.at(-1), `the probe sent is the newest recorded (${loaded.probeEpochs.join(', ')})`);
    await waitForEnd(run, 60_000);
  });

  test('one steps/s for a run, its median: the live header, the reopened panel and the hover agree', async () => {
    const uri = workspaceFile('sine-medium.rnn.json');
    const editor = await vscode.window.showTextDocument(uri);
    const panel = (await panels()).show(uri);
    const posted: ToWebviewMessage[] = [];
    const watch = panel.onDidPost((message) => posted.push(message));
    try {
      await waitFor('the webview to be ready', () => posted.some((m) => m.type === ToWebviewType.RunList), 20_000);
      const [run] = await train('sine-medium.rnn.json');
      await waitForEnd(run, 60_000);
      const live = await waitFor('the last live header', () => {
        const last = posted.filter((m) => m.type === ToWebviewType.RunProgress).at(-1);
        return last?.type === ToWebviewType.RunProgress && last.header.status === 'completed' && last.header;
      });
      const median = readSummary(run.runDir!).stepsPerSecondMedian;
      assert.ok(median !== undefined && median > 0);
      assert.equal(live.stepsPerSecond, median, 'the live header shows the median the summary records');
      posted.length = 0;
      await panel.receive({ type: FromWebviewType.SelectRun, runId: live.id });
      const reopened = posted.find((m) => m.type === ToWebviewType.RunLoaded);
      assert.ok(reopened?.type === ToWebviewType.RunLoaded && reopened.header.live === false);
      assert.equal(reopened.header.stepsPerSecond, median, 'the reopened run shows the same median');
      const name = new vscode.Position(editor.document.positionAt(editor.document.getText().indexOf('"name"')).line, 4);
      const hover = await waitFor('the hover of the run', async () => (await hoverText(uri, name)) || undefined);
      assert.ok(hover.includes(`median ${Math.round(median)} steps/s`), hover);
    } finally {
      watch.dispose();
    }
  });

  test('a past run the user picks stays shown while another run trains; a new run is followed', async () => {
    const uri = workspaceFile('slow.rnn.json');
    const panel = (await panels()).show(uri);
    let listed = false;
    const watch = panel.onDidPost((message) => (listed ||= message.type === ToWebviewType.RunList));
    await waitFor('the webview to be ready', () => listed, 20_000);
    watch.dispose();
    const [first] = await train('slow.rnn.json');
    await waitFor('the first run to be followed', () => first.runDir !== undefined && panel.shownRunId === first.runDir.split(/[\\/]/).at(-1));
    first.stop();
    await waitForEnd(first);
    const firstId = panel.shownRunId!;
    const [second] = await train('slow.rnn.json');
    await waitFor(
      'the new run to be followed',
      () => second.runDir !== undefined && second.progress.step > 0 && panel.shownRunId !== firstId && panel.shownRunId,
    );
    assert.equal(await panel.receive({ type: FromWebviewType.SelectRun, runId: firstId }), true);
    assert.equal(panel.shownRunId, firstId);
    const steps = second.progress.step;
    await waitFor('more steps of the live run', () => second.progress.step >= steps + 5);
    assert.equal(panel.shownRunId, firstId, 'the picked run stays shown');
  });

  test('a focus opens a new panel on the Compare view with the asked runs; rnnLab.compareRuns brings the Compare view forward', async () => {
    const uri = workspaceFile('sweep.rnn.json');
    const runs = await train('sweep.rnn.json', true);
    await Promise.all(runs.map((run) => waitForEnd(run)));
    const ids = runs.map((run) => basename(run.runDir!));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor('the panel to close', async () => (await panels()).panelFor(uri) === undefined);
    const messages: ToWebviewMessage[] = [];
    const panel = (await panels()).show(uri, { compareRunIds: ids });
    const watch = panel.onDidPost((message) => messages.push(message));
    // The focus waits for the webview to be ready; the webview then asks for the comparison of the ticked runs.
    const compared = await waitFor(
      'the comparison of both runs',
      () => messages.find((m) => m.type === ToWebviewType.Compare && m.runs.length === 2 && ids.every((id) => m.runs.some((run) => run.id === id))),
      20_000,
    );
    assert.ok(compared);
    const focus = messages.find((m) => m.type === ToWebviewType.Focus);
    assert.ok(focus?.type === ToWebviewType.Focus && focus.view === 'compare', 'the Compare view is brought forward');
    messages.length = 0;
    panel.focus({ view: 'loss', runId: ids[0] });
    await waitFor('the asked run to be shown', () => messages.some((m) => m.type === ToWebviewType.RunLoaded && m.header.id === ids[0]));
    assert.equal(panel.shownRunId, ids[0]);
    messages.length = 0;
    await vscode.commands.executeCommand('rnnLab.compareRuns', uri);
    await waitFor('the Compare view', () => messages.some((m) => m.type === ToWebviewType.Focus && m.view === 'compare'));
    watch.dispose();
  });

  test('runsChanged: a deleted shown run gives way to the newest remaining one; requests for it get a clear note', async () => {
    const uri = workspaceFile('sweep.rnn.json');
    const runs = await train('sweep.rnn.json', true);
    await Promise.all(runs.map((run) => waitForEnd(run)));
    const panel = (await panels()).show(uri);
    const gone = basename(runs[1].runDir!);
    const messages: ToWebviewMessage[] = [];
    const watch = panel.onDidPost((message) => messages.push(message));
    panel.focus({ runId: gone });
    await waitFor('the run to be shown', () => panel.shownRunId === gone, 20_000);
    rmSync(runs[1].runDir!, { recursive: true, force: true });
    messages.length = 0;
    (await panels()).runsChanged(uri);
    const list = messages.find((m) => m.type === ToWebviewType.RunList);
    assert.ok(list?.type === ToWebviewType.RunList, 'the run list is sent again');
    assert.ok(!list.runs.some((run) => run.id === gone), 'the deleted run is no longer listed');
    assert.notEqual(panel.shownRunId, gone);
    assert.equal(panel.shownRunId, list.runs[0]?.id, 'the newest remaining run is shown');
    messages.length = 0;
    assert.equal(await panel.receive({ type: FromWebviewType.RequestProbe, runId: gone, epoch: 1 }), true);
    assert.equal(await panel.receive({ type: FromWebviewType.Generate, runId: gone, temperature: 1 }), true);
    const notices = messages.filter((m) => m.type === ToWebviewType.Notice);
    assert.equal(notices.length, 2, 'each request for the deleted run gets a note');
    assert.match(notices[0].type === ToWebviewType.Notice ? notices[0].text : '', /no longer exists/);
    watch.dispose();
  });

  test('malformed messages from the webview are refused and logged; valid ones are handled', async () => {
    const panel = (await panels()).show(workspaceFile('sine.rnn.json'));
    const before = panel.rejectedMessages;
    const malformed: unknown[] = [
      null,
      'ready',
      { type: 'no-such-message' },
      { type: FromWebviewType.SelectRun },
      { type: FromWebviewType.SelectRun, runId: '../../etc' },
      { type: FromWebviewType.RequestProbe, runId: 'x', epoch: -1 },
      { type: FromWebviewType.RequestProbe, runId: 'x', epoch: 1.5 },
      { type: FromWebviewType.Command, command: 'workbench.action.quit' },
      { type: FromWebviewType.Generate, runId: 'x', temperature: 'hot' },
      { type: FromWebviewType.SaveChart, fileName: '../escape.png', format: 'png', data: 'data:image/png;base64,AA==' },
      { type: FromWebviewType.SaveChart, fileName: 'chart.svg', format: 'svg', data: '<script>alert(1)</script>' },
      { type: FromWebviewType.RequestCompare, runIds: 'all' },
    ];
    for (const message of malformed) {
      assert.equal(await panel.receive(message), false, JSON.stringify(message));
    }
    assert.equal(panel.rejectedMessages - before, malformed.length);
    assert.equal(await panel.receive({ type: FromWebviewType.RequestCompare, runIds: [] }), true);
  });

  test('the serializer is registered and restores a panel from its saved state', async () => {
    assert.throws(
      () => vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, { deserializeWebviewPanel: async () => undefined }),
      /already registered/,
    );
    const uri = workspaceFile('sweep.rnn.json');
    const restored = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'restored', { viewColumn: vscode.ViewColumn.Two, preserveFocus: true });
    await (await panels()).deserializeWebviewPanel(restored, { specUri: uri.toString(), view: 'hidden', smoothing: 0.9 });
    const panel = (await panels()).panelFor(uri);
    assert.ok(panel, "the restored panel is the experiment's panel");
    assert.equal(panel.panel, restored);
    assert.equal(restored.title, 'RNN Lab: sweep');
    assert.ok(restored.webview.html.includes("script-src 'nonce-"), 'a strict CSP with a nonce');
    const foreign = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'foreign', vscode.ViewColumn.Two);
    let disposed = false;
    foreign.onDidDispose(() => (disposed = true));
    await (await panels()).deserializeWebviewPanel(foreign, { nothing: true });
    assert.ok(disposed, 'a panel whose state names no experiment is closed');
  });
});
