/**
 * The pytorch engine in a real VS Code: with `rnnLab.engine` set to `pytorch`, Train in the panel runs the
 * exported train.py in a Python child process and the panel follows the run like a kernel run's — its
 * header names the engine and the device, the loss chart fills, the run completes, and its probes draw the
 * hidden-state and gradient-flow views. Skips where no
 * Python with torch is found, except in CI.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { REPO_ROOT } from '../../scripts/vscode/paths';
import { findTorchPython } from '../../src/engine/pytorch/python';
import { VsCode } from './harness';

const torch = findTorchPython();
const skip = torch || process.env.CI === 'true' ? false : 'PyTorch is not installed for python3 or /usr/bin/python3';

let vscode: VsCode | undefined;
before(async () => {
  if (skip) return;
  assert.ok(torch, 'CI must have PyTorch: the set-up installs python3-torch');
  const workspace = mkdtempSync(join(tmpdir(), 'rnn-lab-ui-pytorch-workspace-'));
  cpSync(join(REPO_ROOT, 'examples', 'sine.rnn.json'), join(workspace, 'sine.rnn.json'));
  mkdirSync(join(workspace, '.vscode'));
  writeFileSync(join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'rnnLab.engine': 'pytorch', 'rnnLab.pythonPath': torch.python }));
  vscode = await VsCode.open({ name: 'pytorch', workspaceFrom: workspace });
});
after(() => vscode?.close());

function panel(window: VsCode): FrameLocator {
  return window.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

test('Train with the pytorch engine: the panel follows the run, its header shows the device', { skip, timeout: 300_000 }, async () => {
  const window = vscode!;
  await window.openFile('sine.rnn.json');
  await window.codeLenses(/^Open panel$/).waitFor({ timeout: 60_000 });
  await window.clickCodeLens(/^Open panel$/);
  await panel(window)
    .getByText(/no runs yet/)
    .waitFor({ timeout: 30_000 });
  await panel(window).getByRole('button', { name: 'Train again' }).click();
  await panel(window).locator('.status', { hasText: 'completed' }).waitFor({ timeout: 240_000 });
  await panel(window)
    .getByText(/pytorch engine, cpu/)
    .first()
    .waitFor({ timeout: 10_000 });
  await panel(window).locator('[data-chart="loss"] .mark-line path').first().waitFor({ timeout: 30_000 });
  await window.screenshot('1-pytorch-run-in-panel');
  // The probes train.py recorded feed the same views as a kernel run's.
  await panel(window).getByRole('tab', { name: 'Hidden state' }).click();
  await panel(window).locator('[data-chart="hidden-state"] .mark-rect path').first().waitFor({ timeout: 30_000 });
  await panel(window).getByRole('tab', { name: 'Gradient flow' }).click();
  await panel(window).locator('[data-chart="gradient-flow"] .mark-line path').first().waitFor({ timeout: 30_000 });
  await window.screenshot('2-pytorch-gradient-flow');
});
