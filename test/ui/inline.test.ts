/**
 * The inline charts in a real VS Code: after training an example, its `"name"` line carries a
 * sparkline image (an `after` decoration whose CSS rule holds the SVG as a `data:` URL) and the
 * best validation value.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { REPO_ROOT, TEST_ARTIFACTS } from '../../scripts/vscode/paths';
import { VsCode } from './harness';

let vscode: VsCode;
before(async () => {
  vscode = await VsCode.open({ name: 'inline' });
});
after(() => vscode?.close());

/** A decoration's attachment in the active editor: its CSS `content` and its element's size. */
interface Attachment {
  content: string;
  width: number;
  height: number;
}

/**
 * The decoration attachments of the active editor's text. VS Code draws them from generated
 * style rules (`content: "text"` or, for an image, `content: url("data:…")`), so they are
 * found through the rules whose selector matches an element of the editor's lines.
 */
function attachments(): Promise<Attachment[]> {
  return vscode.page.evaluate(() => {
    const rules = Array.from(document.styleSheets).flatMap((sheet) => {
      try {
        return Array.from(sheet.cssRules);
      } catch {
        return [];
      }
    });
    const found: Attachment[] = [];
    for (const rule of rules) {
      if (!(rule instanceof CSSStyleRule) || rule.style.content === '' || !/ced-/.test(rule.selectorText)) continue;
      // `.monaco-editor .ced-…::after`: the element is the last compound, without the pseudo-element.
      const selector = rule.selectorText
        .split(' ')
        .pop()!
        .replace(/::?(after|before)$/, '');
      for (const element of Array.from(document.querySelectorAll(`.editor-group-container.active .view-lines ${selector}`))) {
        const box = element.getBoundingClientRect();
        found.push({ content: rule.style.content, width: box.width, height: box.height });
      }
    }
    return found;
  });
}

const isImage = (attachment: Attachment) => attachment.content.includes('data:image/svg+xml');

/** Waits until an attachment's text matches. */
async function waitForText(pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await attachments()).some((a) => pattern.test(a.content))) {
    if (Date.now() > deadline)
      throw new Error(`no decoration matched ${pattern}; found ${JSON.stringify((await attachments()).map((a) => a.content.slice(0, 60)))}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

test('after training, the name line of text.rnn.json shows a sparkline and the best value', { timeout: 240_000 }, async () => {
  await vscode.openFile('text.rnn.json');
  await vscode.codeLenses(/^▶ Train$/).waitFor({ timeout: 60_000 });
  await waitForText(/not trained yet/, 30_000);
  assert.deepEqual((await attachments()).filter(isImage), [], 'no image before the first run');

  // Held after its first epoch until its live state is seen, however fast the machine trains.
  const release = vscode.holdAtTestGate('moby-dick-chars');
  try {
    await vscode.clickCodeLens(/^▶ Train$/);
    await vscode.codeLenses(/^■ Stop$/).waitFor({ timeout: 30_000 });
    await waitForText(/"loss [\d.e-]+"/, 60_000);
    await vscode.screenshot('1-training');
  } finally {
    release();
  }

  await vscode.codeLenses(/^last run:/).waitFor({ timeout: 180_000 });
  await waitForText(/"val [\d.e-]+ best"/, 10_000);
  // The panel beside the editor (opened by Train) is closed, to see the whole line.
  await vscode.runCommand('View: Close Editors in Other Groups');
  const images = (await attachments()).filter(isImage);
  assert.equal(images.length, 1, 'one sparkline, beside the name');
  assert.ok(images[0].content.length > 1000, 'the image holds a chart');
  assert.ok(images[0].width > 40 && images[0].height > 8, `drawn ${images[0].width}×${images[0].height}`);
  await vscode.screenshot('2-trained', 'inline-sparkline.png');
  await vscode.page
    .locator('.editor-group-container.active .monaco-editor')
    .first()
    .screenshot({ path: join(TEST_ARTIFACTS, 'ui', 'inline', '3-editor.png') });

  // The hover over the name line: a larger chart and the links.
  const nameLine = vscode.page.locator('.editor-group-container.active .view-lines').locator('.view-line', { hasText: '"name"' });
  await nameLine.hover({ position: { x: 30, y: 5 } });
  const hover = vscode.page.locator('.monaco-hover', { hasText: 'Show run folder' });
  await hover.waitFor({ timeout: 10_000 });
  assert.ok(await hover.locator('img[src^="data:image/svg+xml"]').count(), 'the hover chart');
  await vscode.screenshot('4-hover', 'inline-hover.png');
});

test('after a sweep, each value of the sweep list shows its result, the winner starred', { timeout: 240_000 }, async () => {
  const sweepWindow = await VsCode.open({ name: 'inline-sweep', workspaceFrom: join(REPO_ROOT, 'test', 'fixtures', 'workspace') });
  const previous = vscode;
  vscode = sweepWindow;
  try {
    await vscode.openFile('inline-sweep.rnn.json');
    await vscode.clickCodeLens(/^▶ Train sweep \(3 runs\)$/);
    // The headline above and beside the name is the sweep's best run, labelled as such.
    await vscode.codeLenses(/^sweep best: model\.cell=\w+ · val [\d.e-]+ \(best at epoch \d+\)/).waitFor({ timeout: 180_000 });
    await waitForText(/★/, 30_000);
    await waitForText(/"val [\d.e-]+ · sweep best: model\.cell=\w+"/, 30_000);
    await vscode.runCommand('View: Close Editors in Other Groups');
    const found = await attachments();
    assert.equal(found.filter(isImage).length, 4, 'a sparkline beside the name and beside each of the 3 values');
    assert.equal(found.filter((a) => /^"val [\d.e-]+ ★"$/.test(a.content)).length, 1, 'one winner');
    await vscode.screenshot('5-sweep', 'inline-sweep.png');
  } finally {
    vscode = previous;
    await sweepWindow.close();
  }
});
