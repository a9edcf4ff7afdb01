/**
 * The packaged extension: the `.vsix` that `npm run package` wrote, installed into a VS Code
 * without the development build, trains an example from its CodeLens. Run through
 * `npm run test:package`, which packages first.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { name, version } from '../../../package.json';
import { REPO_ROOT } from '../../../scripts/vscode/paths';
import { VsCode } from '../harness';

/** Where `vsce package` writes by default. */
const VSIX = join(REPO_ROOT, `${name}-${version}.vsix`);

let vscode: VsCode;
before(async () => {
  assert.ok(existsSync(VSIX), `${VSIX} is missing: run npm run package first`);
  vscode = await VsCode.open({ name: 'packaged', vsix: VSIX });
});
after(() => vscode?.close());

test('the installed .vsix trains sine.rnn.json from its CodeLens', { timeout: 180_000 }, async () => {
  await vscode.openFile('sine.rnn.json');
  await vscode.codeLenses(/^▶ Train$/).waitFor({ timeout: 60_000 });
  assert.equal(await vscode.codeLenses(/^last run:/).count(), 0, 'the fresh copy of examples/ has no run yet');
  await vscode.clickCodeLens(/^▶ Train$/);
  await vscode.codeLenses(/^last run:/).waitFor({ timeout: 120_000 });
  await vscode.screenshot('trained', 'train-codelens.png');
});
