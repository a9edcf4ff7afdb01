/**
 * Training from the CodeLens of an example: Train, the running state, then the result; and
 * RNN Lab's notifications name it as their source.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { VsCode } from './harness';

let vscode: VsCode;
before(async () => {
  vscode = await VsCode.open({ name: 'train' });
});
after(() => vscode?.close());

test('the Train CodeLens trains sine.rnn.json and then shows the last run', { timeout: 180_000 }, async () => {
  await vscode.openFile('sine.rnn.json');
  const train = vscode.codeLenses(/^▶ Train$/);
  await train.waitFor({ timeout: 60_000 });
  assert.equal(await vscode.codeLenses(/^last run:/).count(), 0, 'the fresh copy of examples/ has no run yet');
  await vscode.screenshot('1-before');

  // Held after its first epoch until the running state is seen, however fast the machine trains.
  const release = vscode.holdAtTestGate('sine-gru');
  try {
    await vscode.clickCodeLens(/^▶ Train$/);
    await vscode.codeLenses(/^■ Stop$/).waitFor({ timeout: 30_000 });
    await vscode.screenshot('2-training');
  } finally {
    release();
  }

  const lastRun = vscode.codeLenses(/^last run:/);
  await lastRun.waitFor({ timeout: 120_000 });
  await vscode.screenshot('3-trained');
  assert.equal(await vscode.codeLenses(/^■ Stop$/).count(), 0, 'no Stop once the run has ended');
});

test('a notification names RNN Lab as its source', { timeout: 120_000 }, async () => {
  await vscode.openFile('sine.rnn.json');
  await vscode.runCommand('RNN Lab: Validate Experiment');
  const toast = vscode.page.locator('.notification-toast', { hasText: 'sine.rnn.json is valid' });
  await toast.waitFor({ timeout: 30_000 });
  // The source line is in the toast's details, shown when it is expanded.
  await toast.hover();
  await toast.locator('.codicon-notifications-expand').click();
  const source = toast.locator('.notification-list-item-source', { hasText: /^Source: / });
  await source.waitFor({ timeout: 10_000 });
  await vscode.screenshot('4-notification');
  assert.equal((await source.textContent())?.trim(), 'Source: RNN Lab');
});
