/** Training from the CodeLens of an example: Train, the running state, then the result. */
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

  await vscode.clickCodeLens(/^▶ Train$/);
  await vscode.codeLenses(/^■ Stop$/).waitFor({ timeout: 30_000 });
  await vscode.screenshot('2-training');

  const lastRun = vscode.codeLenses(/^last run:/);
  await lastRun.waitFor({ timeout: 120_000 });
  await vscode.screenshot('3-trained');
  assert.equal(await vscode.codeLenses(/^■ Stop$/).count(), 0, 'no Stop once the run has ended');
});
