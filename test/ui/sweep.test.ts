/**
 * A sweep in a real VS Code: trained from the CodeLens, its progress in the CodeLens and the
 * status bar, then the panel's Sweep view: the runs by learning rate in a sortable table, the best
 * one highlighted, the chart of the best validation loss per value, and a row click that shows
 * the run in the Loss view.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { REPO_ROOT } from '../../scripts/vscode/paths';
import { VsCode } from './harness';

let vscode: VsCode;
before(async () => {
  vscode = await VsCode.open({ name: 'sweep', workspaceFrom: join(REPO_ROOT, 'test', 'fixtures', 'workspace') });
});
after(() => vscode?.close());

/** The panel's document: a webview is two nested iframes. */
function panel(): FrameLocator {
  return vscode.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

test('the Sweep view summarises a 3-run sweep', { timeout: 300_000 }, async () => {
  await vscode.openFile('sweep-three.rnn.json');
  // Its runs wait after their first epoch until the progress is seen, however fast the machine trains.
  const release = vscode.holdAtTestGate('sweep-three');
  const rows = panel().locator('.sweep-table tbody tr');
  try {
    await vscode.clickCodeLens(/^▶ Train sweep \(3 runs\)$/);
    await vscode.codeLenses(/^Sweep [0-2]\/3 done · \d training/).waitFor({ timeout: 60_000 });
    await vscode.page.locator('.statusbar-item', { hasText: /RNN Lab: Sweep [0-2]\/3 done/ }).waitFor({ timeout: 30_000 });
    await vscode.screenshot('1-sweep-progress');

    await panel().getByRole('tab', { name: 'Sweep' }).click();
    await rows.first().waitFor({ timeout: 30_000 });
    assert.equal(await rows.count(), 3, 'a row per run while the sweep trains');
  } finally {
    release();
  }
  await panel().locator('.note', { hasText: 'Sweep 3/3 done' }).waitFor({ timeout: 180_000 });
  await panel().locator('.sweep-table tr.best').waitFor();
  await panel().locator('[data-chart^="sweep-"] .mark-symbol path').first().waitFor({ timeout: 30_000 });
  assert.deepEqual(await panel().locator('.sweep-table thead th').allTextContents(), [
    '# ▲',
    'training.learningRate',
    'status',
    'best val loss',
    'epochs',
    'duration',
  ]);
  assert.deepEqual(await rows.locator('td:nth-child(2)').allTextContents(), ['0.001', '0.01', '0.1'], 'grid order');
  assert.equal(await panel().locator('.sweep-table tr.best').count(), 1, 'one best run');
  // Room for the panel: the explorer goes, the panel's charts are drawn again at the new width.
  await vscode.runCommand('View: Toggle Primary Side Bar Visibility');
  await vscode.page.waitForTimeout(1500);
  await vscode.screenshot('2-sweep-summary', 'panel-sweep.png');

  // Sorting by the best validation loss puts the best run first.
  await panel().getByRole('button', { name: 'Sort by best val loss' }).click();
  assert.match((await rows.first().getAttribute('class')) ?? '', /\bbest\b/);
  const losses = (await rows.locator('td:nth-child(4)').allTextContents()).map(Number);
  assert.deepEqual(
    losses,
    [...losses].sort((a, b) => a - b),
    'ascending',
  );
  await panel().getByRole('button', { name: 'Sort by best val loss' }).click();
  assert.doesNotMatch((await rows.first().getAttribute('class')) ?? '', /\bbest\b/, 'descending the second time');

  // A click on a run shows it in the Loss view.
  const runId = await rows.first().getAttribute('data-run');
  await rows.first().click();
  await panel().getByRole('tab', { name: 'Loss', selected: true }).waitFor({ timeout: 10_000 });
  const deadline = Date.now() + 10_000;
  while ((await panel().locator('#run').inputValue()) !== runId) {
    assert.ok(Date.now() < deadline, `the run picker shows ${runId}`);
    await vscode.page.waitForTimeout(100);
  }
});
