/**
 * The experiment panel in a real VS Code: opened from the CodeLens, it follows a training run
 * (the loss line grows), shows the hidden-state heatmap, the gradient flow and the predictions,
 * re-colours its charts with the theme, and comes back after a window reload.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import { REPO_ROOT } from '../../scripts/vscode/paths';
import { VsCode } from './harness';

let vscode: VsCode;
/** Content Security Policy violations reported by any frame, the panel's included. */
const cspViolations: string[] = [];
before(async () => {
  vscode = await VsCode.open({ name: 'panel' });
  vscode.page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
});
after(() => vscode?.close());

/** The panel's document: a webview is two nested iframes. */
function panel(window = vscode): FrameLocator {
  return window.page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** How many points the loss chart's line marks hold (each `M`/`L` of their SVG paths). */
async function lossPoints(): Promise<number> {
  const paths = await panel()
    .locator('[data-chart="loss"] .mark-line path')
    .evaluateAll((elements) => elements.map((e) => e.getAttribute('d') ?? ''));
  return paths.reduce((sum, d) => sum + (d.match(/[ML]/g)?.length ?? 0), 0);
}

async function openTab(name: string, window = vscode): Promise<void> {
  await panel(window).getByRole('tab', { name }).click();
}

/** The fill colours of a chart's marks, as a sorted list, to see a theme change. */
async function chartColours(chart: string): Promise<string> {
  const colours = await panel()
    .locator(`[data-chart="${chart}"] svg`)
    .first()
    .evaluate((svg) => {
      const found = new Set<string>();
      svg.querySelectorAll('path, text, rect, line').forEach((e) => {
        for (const attribute of ['fill', 'stroke']) {
          const value = e.getAttribute(attribute);
          if (value && value !== 'none' && value !== 'transparent') found.add(value);
        }
      });
      return [...found].sort().join(' ');
    });
  return colours;
}

test('the panel follows a run and shows its views', { timeout: 300_000 }, async () => {
  await vscode.openFile('sine.rnn.json');
  await vscode.codeLenses(/^Open panel$/).waitFor({ timeout: 60_000 });
  await vscode.clickCodeLens(/^Open panel$/);
  await panel().locator('h1').waitFor({ timeout: 30_000 });
  await panel()
    .getByText(/no runs yet/)
    .waitFor();
  await vscode.screenshot('1-empty-panel');

  // Held after its first epoch, however fast the machine trains: the running state is surely seen.
  const release = vscode.holdAtTestGate('sine-gru');
  let early: number;
  try {
    await panel().getByRole('button', { name: 'Train again' }).click();
    await panel().locator('.status', { hasText: 'running' }).waitFor({ timeout: 30_000 });
    await panel().locator('[data-chart="loss"] .mark-line path').first().waitFor({ timeout: 30_000 });
    early = await lossPoints();
    await vscode.screenshot('2-training-loss', 'panel-loss.png');
  } finally {
    release();
  }

  await panel().locator('.status', { hasText: 'completed' }).waitFor({ timeout: 180_000 });
  const later = await lossPoints();
  assert.ok(later > early && early > 0, `the loss line grows as the run trains (${early} → ${later} points)`);
  await vscode.screenshot('3-trained-loss');

  await openTab('Hidden state');
  await panel().locator('[data-chart="hidden-state"] .mark-rect path').first().waitFor({ timeout: 30_000 });
  // sine.rnn.json: a GRU of 16 units over 40 time steps; the heatmap is the largest rect mark.
  const rectCounts = await panel()
    .locator('[data-chart="hidden-state"] g.mark-rect')
    .evaluateAll((groups) => groups.map((g) => g.querySelectorAll(':scope > path').length));
  assert.equal(Math.max(...rectCounts), 16 * 40, `a cell per unit and time step (rect marks: ${rectCounts.join(', ')})`);
  await vscode.screenshot('4-hidden-state', 'panel-hidden-state.png');

  await openTab('Gradient flow');
  await panel().locator('[data-chart="gradient-flow"] .mark-line path').first().waitFor({ timeout: 30_000 });
  await vscode.screenshot('5-gradient-flow', 'panel-gradient-flow.png');

  await openTab('Predictions');
  await panel().locator('[data-chart="predictions"] .mark-symbol path').first().waitFor({ timeout: 30_000 });
  await vscode.screenshot('6-predictions');

  await openTab('Compare');
  await panel().locator('[data-chart="compare"] .mark-line path').first().waitFor({ timeout: 30_000 });
  await vscode.screenshot('6b-compare');

  await openTab('Loss');
  await panel().locator('[data-chart="loss"] .mark-line path').first().waitFor();
  assert.equal(
    (await panel().locator('[data-chart="loss"] .mark-rule path, [data-chart="loss"] .mark-rule line').count()) > 0,
    true,
    'the baseline rule is drawn',
  );
  const dark = await chartColours('loss');
  await vscode.runCommand('Preferences: Toggle between Light/Dark Themes');
  await vscode.page.waitForFunction(() => document.body.classList.contains('vs') || !!document.querySelector('.monaco-workbench.vs'));
  const light = await waitForChange(() => chartColours('loss'), dark);
  await vscode.screenshot('7-light-theme');
  await vscode.runCommand('Preferences: Toggle between Light/Dark Themes');
  const darkAgain = await waitForChange(() => chartColours('loss'), light);
  assert.notEqual(light, darkAgain, 'switching to a dark theme changes the chart colours');
  assert.equal(darkAgain, dark, 'and back to the dark colours');

  await openTab('Hidden state');
  await vscode.runCommand('Developer: Reload Window');
  await vscode.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await panel().getByRole('tab', { name: 'Hidden state', selected: true }).waitFor({ timeout: 60_000 });
  await panel().locator('[data-chart="hidden-state"] .mark-rect path').first().waitFor({ timeout: 30_000 });
  assert.match((await panel().locator('.status').textContent()) ?? '', /completed/);
  await vscode.screenshot('8-after-reload');
  assert.deepEqual(cspViolations, [], 'no Content Security Policy violation');
});

/** Polls `read` until its value differs from `before` (up to 10 s) and returns it. */
async function waitForChange(read: () => Promise<string>, before: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (value !== before || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A character-level language model small enough to train in seconds. */
const TINY_TEXT_SPEC = {
  name: 'tiny-text',
  data: { type: 'text', path: 'data/moby-dick-chapters-1-3.txt', seqLength: 32 },
  model: { cell: 'lstm', hiddenSize: 16 },
  training: { epochs: 2, batchSize: 64, learningRate: 0.01 },
  probe: { samples: 2, generateLength: 80, temperature: 0.7 },
};

test('a language model run shows text coloured by a unit, and Generate samples from its weights', { timeout: 240_000 }, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'rnn-lab-ui-text-'));
  mkdirSync(join(folder, 'data'));
  cpSync(join(REPO_ROOT, 'examples', 'data', 'moby-dick-chapters-1-3.txt'), join(folder, 'data', 'moby-dick-chapters-1-3.txt'));
  writeFileSync(join(folder, 'tiny-text.rnn.json'), JSON.stringify(TINY_TEXT_SPEC, null, 2));
  const window = await VsCode.open({ name: 'panel-text', workspaceFrom: folder });
  try {
    await window.openFile('tiny-text.rnn.json');
    await window.runCommand('RNN Lab: Open Experiment Panel');
    await panel(window).getByRole('button', { name: 'Train again' }).click();
    await panel(window).locator('.status', { hasText: 'completed' }).waitFor({ timeout: 120_000 });
    await openTab('Predictions', window);
    const spans = panel(window).locator('.generated span');
    await spans.first().waitFor({ timeout: 30_000 });
    await window.screenshot('1-generated-text');
    assert.equal(await spans.count(), TINY_TEXT_SPEC.probe.generateLength, 'a span per generated character');
    const colours = await spans.evaluateAll((elements) => new Set(elements.map((e) => getComputedStyle(e).backgroundColor)).size);
    assert.ok(colours > 1, `characters are coloured by the unit's activation (${colours} colours)`);

    const before = await panel(window).locator('.generated').textContent();
    await panel(window).getByLabel('Temperature').fill('1.5');
    await panel(window).getByRole('button', { name: 'Generate' }).click();
    await panel(window)
      .getByText(/sampled from the saved weights at temperature 1.5/i)
      .waitFor({ timeout: 60_000 });
    assert.notEqual(await panel(window).locator('.generated').textContent(), before, 'a new sample');
    await window.screenshot('2-generated-from-weights');

    await openTab('Hidden state', window);
    await panel(window).getByLabel('Quantity').selectOption('f');
    await panel(window).locator('[data-chart="hidden-state"] .mark-rect path').first().waitFor({ timeout: 30_000 });
    await window.page.waitForTimeout(500);
    const rectCounts = await panel(window)
      .locator('[data-chart="hidden-state"] g.mark-rect')
      .evaluateAll((groups) => groups.map((g) => g.querySelectorAll(':scope > path').length));
    assert.equal(Math.max(...rectCounts), 16 * 32, 'the LSTM forget gate: 16 units × 32 steps');
    assert.ok((await panel(window).locator('[data-chart="hidden-state"] .mark-text text').count()) >= 32, 'the input characters above the heatmap');
    await window.screenshot('3-forget-gate');
  } finally {
    await window.close();
    rmSync(folder, { recursive: true, force: true });
  }
});
