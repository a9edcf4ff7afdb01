/**
 * The inline charts inside spec files: the name line before, during and after a run, a sweep's
 * value results with the winner marked, the stale mark after an edit, the hover, and the
 * setting that turns them off.
 */
import assert from 'node:assert/strict';
import { suite, suiteSetup, teardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { InlineDecoration } from '../../../src/extension/inline/inlineCharts';
import { codeLensTitles, holdAtTestGate, hoverText, openSpec, readSummary, rnnLab, train, waitFor, waitForEnd, workspaceFile, stopAllRuns } from './support';

/** The decorations of a file after a fresh redraw. */
async function decorations(file: string): Promise<InlineDecoration[]> {
  const api = await rnnLab();
  await api.inline.refresh();
  return api.inline.decorationsFor(workspaceFile(file));
}

async function nameDecoration(file: string): Promise<InlineDecoration | undefined> {
  return (await decorations(file)).find((d) => d.kind === 'name');
}

function lineOf(document: vscode.TextDocument, text: string): number {
  return document.positionAt(document.getText().indexOf(text)).line;
}

suite('inline charts', () => {
  suiteSetup(async () => {
    await rnnLab();
  });

  teardown(async () => {
    await stopAllRuns();
    // Training opened panels; later suites expect none. Edits are undone, so nothing asks to be saved.
    for (const document of vscode.workspace.textDocuments.filter((d) => d.isDirty)) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('before any run: the name line says so, without an image; sweep values show nothing', async () => {
    const editor = await openSpec('inline.rnn.json');
    const name = await waitFor('the name decoration', () => nameDecoration('inline.rnn.json'));
    assert.equal(name.text, 'not trained yet');
    assert.equal(name.hasImage, false);
    assert.equal(name.range.start.line, lineOf(editor.document, '"name":'));
    assert.equal(name.range.start.character, editor.document.lineAt(name.range.start.line).range.end.character, 'after the end of the line');
    await openSpec('inline-sweep.rnn.json');
    const sweep = await decorations('inline-sweep.rnn.json');
    assert.deepEqual(
      sweep.filter((d) => d.kind === 'sweepValue'),
      [],
    );
  });

  test('a run: the loss while training, then the best validation value with its sparkline and a hover', async () => {
    const editor = await openSpec('inline.rnn.json');
    const uri = editor.document.uri;
    // Two editors of the spec share each image.
    await vscode.commands.executeCommand('workbench.action.splitEditor');
    await waitFor('two editors of the spec', () => vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === uri.toString()).length === 2);
    const api = await rnnLab();
    // Held after its first epoch, however fast the machine trains: the live state is surely seen.
    const release = holdAtTestGate('inline-small');
    const [run] = await train('inline.rnn.json');
    let rendersBefore: number;
    let started: number;
    try {
      const during = await waitFor('a live loss beside the name, the run at the gate', async () => {
        const name = await nameDecoration('inline.rnn.json');
        return run.isActive && run.progress.epochsDone === 1 && name?.text.startsWith('loss ') && name;
      });
      assert.match(during.text, /^loss [\d.e-]+$/);
      assert.equal(during.hasImage, true, 'the live sparkline');
      // From here on only the throttled refreshes draw (the test no longer asks for any).
      rendersBefore = api.inline.renderCount;
      started = Date.now();
    } finally {
      release();
    }
    await waitForEnd(run);
    assert.equal(run.state, 'completed');
    await waitFor('a throttled redraw of the rest of the run', () => api.inline.renderCount > rendersBefore);
    const renders = api.inline.renderCount - rendersBefore;
    const ticks = Math.ceil((Date.now() - started) / 400);
    assert.ok(renders <= ticks + 2, `${renders} sparklines rendered in ${ticks} refresh periods, for two editors`);
    const after = await waitFor('the best value', async () => {
      const name = await nameDecoration('inline.rnn.json');
      return name?.text.endsWith(' best') && name;
    });
    assert.equal(after.text, `val ${Number(readSummary(run.runDir!).bestValidationLoss!.toPrecision(4))} best`);
    assert.equal(after.hasImage, true);
    assert.equal(after.stale, false);

    const line = lineOf(editor.document, '"name":');
    const hover = await hoverText(uri, new vscode.Position(line, 4));
    assert.match(hover, /!\[[^\]]*\]\(data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+\)/, 'the hover chart');
    for (const command of ['rnnLab.openPanel', 'rnnLab.train', 'rnnLab.compareRuns', 'rnnLab.showRunFolder']) {
      assert.ok(hover.includes(`](command:${command}?`), `a link to ${command}`);
    }
    assert.ok(
      hover.includes(`best val **${Number(readSummary(run.runDir!).bestValidationLoss!.toPrecision(4))}** @ epoch ${readSummary(run.runDir!).bestEpoch}`),
      'the key numbers',
    );
    assert.equal(await hoverText(uri, new vscode.Position(line + 2, 4)), '', 'no hover elsewhere');
  });

  test('an edit that changes the spec marks the result stale; undoing it clears the mark', async () => {
    const editor = await openSpec('inline.rnn.json');
    const document = editor.document;
    await waitFor('a trained result', async () => (await nameDecoration('inline.rnn.json'))?.text.endsWith(' best'));
    const original = document.getText();
    const edited = original.replace('"learningRate": 0.01', '"learningRate": 0.02');
    assert.notEqual(edited, original);
    const whole = new vscode.Range(document.positionAt(0), document.positionAt(original.length));
    await editor.edit((edit) => edit.replace(whole, edited));
    const stale = await waitFor('the stale mark', async () => {
      const name = await nameDecoration('inline.rnn.json');
      return name?.stale && name;
    });
    assert.match(stale.text, / \(stale\)$/);
    assert.equal(stale.hasImage, true, 'the dimmed sparkline stays');
    assert.match(await hoverText(document.uri, new vscode.Position(lineOf(document, '"name":'), 4)), /changed since this run/);
    // A comment changes nothing the run depends on.
    await editor.edit((edit) =>
      edit.replace(
        new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)),
        original.replace('// The inline-chart', '// Edited: the inline-chart'),
      ),
    );
    const fresh = await waitFor('the mark gone', async () => {
      const name = await nameDecoration('inline.rnn.json');
      return name && !name.stale && name;
    });
    assert.match(fresh.text, /^val [\d.e-]+ best$/);
  });

  test('a sweep: each value gets its best result and a sparkline, the winner a star', async () => {
    const editor = await openSpec('inline-sweep.rnn.json');
    const api = await rnnLab();
    // A run starts only when every run before it in the grid has started and has its folder.
    const outOfOrder: string[] = [];
    const watch = api.runs.onDidChange(() => {
      const grid = api.runs
        .runsFor(editor.document.uri)
        .filter((run) => run.sweepGroup !== undefined)
        .reverse();
      grid.forEach((run, i) => {
        const early = grid.slice(0, i).filter((before) => before.state === 'queued' || (before.state === 'running' && before.runDir === undefined));
        if (run.state !== 'queued' && early.length > 0)
          outOfOrder.push(`${run.sweepRun.label} started before ${early.map((b) => b.sweepRun.label).join(', ')}`);
      });
    });
    const runs = await train('inline-sweep.rnn.json', true);
    assert.equal(runs.length, 3);
    try {
      for (const run of runs) {
        await waitForEnd(run, 120_000);
        assert.equal(run.state, 'completed', run.reason);
      }
    } finally {
      watch.dispose();
    }
    assert.deepEqual([...new Set(outOfOrder)], [], 'the sweep starts in grid order');
    const startedAt = runs.map((run) => readSummary(run.runDir!).startedAt);
    assert.deepEqual([...startedAt].sort(), startedAt, 'the run folders record the grid order');
    const values = await waitFor('a result beside every value', async () => {
      const found = (await decorations('inline-sweep.rnn.json')).filter((d) => d.kind === 'sweepValue');
      return found.length === 3 && found.every((d) => d.text.startsWith('val ')) && found;
    });
    const text = editor.document.getText();
    for (const cell of ['rnn', 'lstm', 'gru']) {
      const decoration = values.find((d) => d.value === cell);
      assert.ok(decoration, cell);
      const run = runs.find((r) => r.sweepRun.assignments['model.cell'] === cell)!;
      assert.match(decoration.text, new RegExp(`^val ${Number(readSummary(run.runDir!).bestValidationLoss!.toPrecision(4))}( ★)?$`));
      assert.equal(decoration.hasImage, true);
      assert.equal(editor.document.offsetAt(decoration.range.start), text.indexOf(`"${cell}"`) + cell.length + 2, `right after "${cell}"`);
    }
    const best = Math.min(...runs.map((run) => readSummary(run.runDir!).bestValidationLoss!));
    const winners = values.filter((d) => d.text.endsWith('★'));
    assert.equal(winners.length, 1);
    assert.equal(readSummary(runs.find((run) => run.sweepRun.assignments['model.cell'] === winners[0].value)!.runDir!).bestValidationLoss, best);
    const hover = await hoverText(editor.document.uri, editor.document.positionAt(text.indexOf('"lstm"') + 2));
    assert.match(hover, /model\\.cell=lstm/, 'the hover of the lstm run');

    // The headline is the sweep's best run, labelled as such, whichever run ended last.
    const winner = runs.find((run) => readSummary(run.runDir!).bestValidationLoss === best)!;
    const name = await nameDecoration('inline-sweep.rnn.json');
    assert.equal(name?.text, `val ${Number(best.toPrecision(4))} · sweep best: ${winner.sweepRun.label}`);
    const lens = (await codeLensTitles(editor.document.uri)).find((title) => title.startsWith('sweep best: '));
    assert.match(
      lens ?? '',
      new RegExp(`^sweep best: ${winner.sweepRun.label.replace('.', '\\.')} · val ${Number(best.toPrecision(4))} \\(best at epoch \\d+\\) · `),
    );
  });

  test('rnnLab.inlineCharts off: no decorations and no hover', async () => {
    const editor = await openSpec('inline.rnn.json');
    await waitFor('a result', async () => (await nameDecoration('inline.rnn.json'))?.hasImage);
    const config = vscode.workspace.getConfiguration('rnnLab');
    await config.update('inlineCharts', false, vscode.ConfigurationTarget.Global);
    try {
      await waitFor('no decorations', async () => (await decorations('inline.rnn.json')).length === 0);
      assert.equal(await hoverText(editor.document.uri, new vscode.Position(lineOf(editor.document, '"name":'), 4)), '');
    } finally {
      await config.update('inlineCharts', undefined, vscode.ConfigurationTarget.Global);
    }
    await waitFor('the decorations back', async () => (await nameDecoration('inline.rnn.json'))?.hasImage);
  });
});
