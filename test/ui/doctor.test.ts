/**
 * The training doctor in a real VS Code: a sick spec trains, its finding shows in the panel's
 * Doctor strip with its evidence drawn and as a diagnostic in the spec; its Quick Fix edits the
 * spec, and after training again the diagnostic is gone.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { REPO_ROOT } from '../../scripts/vscode/paths';
import { VsCode } from './harness';

let vscode: VsCode;
before(async () => {
  vscode = await VsCode.open({ name: 'doctor', workspaceFrom: join(REPO_ROOT, 'test', 'fixtures', 'workspace') });
});
after(() => vscode?.close());

const SICK = 'doctor-overfitting.rnn.json';

test('a diagnostic on a sick spec, its Quick Fix applied, trained again: the diagnostic is gone', { timeout: 420_000 }, async () => {
  const page = vscode.page;
  await vscode.openFile(SICK);
  await vscode.clickCodeLens(/^▶ Train$/);
  await vscode.codeLenses(/^⚠ overfitting$/).waitFor({ timeout: 240_000 });

  // The panel opened beside the spec: its Doctor strip shows the finding and the losses with the best epoch marked.
  const panel = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const finding = panel.locator('.doctor article[data-code="overfitting"]');
  // The evidence is drawn when its disclosure opens.
  await finding.getByText('Evidence', { exact: true }).click();
  await finding.locator('[data-chart="doctor-overfitting"] svg .mark-line path').first().waitFor({ timeout: 60_000 });
  assert.match(await finding.locator('.finding-title').innerText(), /Overfitting: validation loss rose [\d.]+% from its best/);
  await finding
    .locator('text', { hasText: /^best epoch \d+$/ })
    .first()
    .waitFor({ timeout: 10_000 });
  await vscode.screenshot('1-doctor-strip', 'panel-doctor.png');

  // The diagnostic in the spec, and its Quick Fixes (the spec's group active again after the click in the panel).
  await vscode.runCommand('View: Focus First Editor Group');
  await vscode.runCommand('View: Close Editors in Other Groups');
  const squiggle = page.locator('.editor-group-container.active .squiggly-warning');
  await squiggle.first().waitFor({ timeout: 30_000 });
  // The cursor on the flagged key, then the Quick Fix menu, as a person opens it (again if the menu came up before the fixes).
  const fix = page.locator('.action-widget .monaco-list-row', { hasText: /^Stop early: training\.earlyStopping with patience 3$/ });
  for (let attempt = 1; ; attempt++) {
    await page
      .locator('.editor-group-container.active .view-lines span', { hasText: /^"training"$/ })
      .first()
      .click();
    await page.keyboard.press('Control+.');
    try {
      await fix.waitFor({ timeout: 10_000 });
      break;
    } catch (error) {
      if (attempt === 5) throw error;
      await page.keyboard.press('Escape');
    }
  }
  assert.equal((await page.locator('.action-widget .monaco-list-row', { hasText: 'and Train' }).count()) > 0, true, 'Apply and Train is offered');
  await vscode.screenshot('2-doctor-quick-fix', 'doctor-quick-fix.png');
  // The first fix is the preferred one, focused: Enter applies it.
  await page.keyboard.press('Enter');
  await page.locator('.editor-group-container.active .view-lines', { hasText: '"earlyStopping"' }).waitFor({ timeout: 30_000 });
  await page.keyboard.press('Control+S');
  await squiggle.first().waitFor({ state: 'detached', timeout: 30_000 });

  // Trained again, the run stops early and the doctor has nothing to say.
  await vscode.clickCodeLens(/^▶ Train$/);
  await vscode.codeLenses(/^■ Stop$/).waitFor({ timeout: 60_000 });
  await vscode.codeLenses(/^last run:/).waitFor({ timeout: 240_000 });
  assert.equal(await vscode.codeLenses(/^⚠/).count(), 0);
  assert.equal(await squiggle.count(), 0);
  await vscode.screenshot('3-fixed');
});
