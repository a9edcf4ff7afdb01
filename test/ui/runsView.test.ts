/**
 * The runs explorer in a real VS Code: the RNN Lab icon in the activity bar opens the
 * Experiments view, which lists the examples and the runs the command line trained; a run's
 * tooltip holds its summary; a run is deleted through its context menu and the modal dialog.
 * In a workspace without experiments, the view's welcome button creates one.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { REPO_ROOT } from '../../scripts/vscode/paths';
import { writeAnnotations } from '../../src/engine/runs/annotations';
import type { RunSummary } from '../../src/engine/runs/summary';
import { VsCode } from './harness';

let vscode: VsCode;
before(async () => {
  vscode = await VsCode.open({ name: 'runs-view' });
});
after(() => vscode?.close());

/** Trains with the command line in the session's workspace and returns the new run folders. */
function trainWithCli(spec: string, ...args: string[]): string[] {
  const dir = join(vscode.workspace, '.rnn', 'runs', spec.replace('.rnn.json', ''));
  const before = new Set(existsSync(dir) ? readdirSync(dir) : []);
  execFileSync(process.execPath, [join(REPO_ROOT, 'dist', 'cli.js'), 'train', join(vscode.workspace, spec), ...args], { stdio: 'ignore', timeout: 120_000 });
  // In sweep order: points that start in the same second (in parallel) have ids that need not sort that way.
  const sweepIndex = (run: string) => (JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as RunSummary).sweep?.group?.index ?? 0;
  return readdirSync(dir)
    .filter((id) => !before.has(id))
    .map((id) => join(dir, id))
    .sort((a, b) => sweepIndex(a) - sweepIndex(b));
}

test('the RNN Lab view lists experiments and runs; a run is deleted through the modal dialog', { timeout: 300_000 }, async () => {
  const page = vscode.page;
  // Runs of another process: they appear in the view without a reload.
  const [sine] = trainWithCli('sine.rnn.json');
  const [rnn, lstm] = trainWithCli('adding.rnn.json');
  writeAnnotations(sine, { name: 'first GRU', note: 'The defaults of the example: a GRU of 16 units.', tags: ['baseline'] });
  writeAnnotations(lstm, { tags: ['lstm', 'keep'] });

  await page.locator('.activitybar .action-label[aria-label^="RNN Lab"]').click();
  const rows = page.locator('.part.sidebar .monaco-list-row');
  const row = (text: string | RegExp) => rows.filter({ hasText: text });
  await row('model.cell=lstm').waitFor({ timeout: 60_000 });
  await row('first GRU').waitFor();
  for (const experiment of ['adding', 'copy', 'reviews', 'sine', 'sunspots', 'text', 'weather-csv']) {
    await row(new RegExp(`^${experiment}`))
      .first()
      .waitFor();
  }
  assert.match((await row(/^adding/).textContent()) ?? '', /2 runs · best [\d.]+/);
  assert.match((await row('first GRU').textContent()) ?? '', /val [\d.]+ · [\d.]+m?s · (just now|1m ago) · #baseline/);

  // Room for the descriptions: widen the side bar by its sash.
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  assert.ok(sidebar);
  await page.mouse.move(sidebar.x + sidebar.width + 1, sidebar.y + sidebar.height / 2);
  await page.mouse.down();
  await page.mouse.move(sidebar.x + sidebar.width + 180, sidebar.y + sidebar.height / 2, { steps: 5 });
  await page.mouse.up();

  // The spec beside the view, and the tooltip of the last run, which leaves the runs above it in sight.
  await vscode.openFile('adding.rnn.json');
  await row('first GRU').locator('.label-name').hover();
  const tooltip = page.locator('.workbench-hover, .monaco-hover').filter({ hasText: 'Best validation' });
  await tooltip.first().waitFor({ timeout: 60_000 });
  assert.match((await tooltip.first().textContent()) ?? '', /Note: The defaults of the example/);
  await page.locator('.statusbar-item', { hasText: 'Activating Extensions' }).waitFor({ state: 'detached', timeout: 30_000 });
  await vscode.screenshot('1-runs-view', 'runs-view.png');

  await page.mouse.move(sidebar.x + sidebar.width + 600, sidebar.y + sidebar.height - 100);
  // The context menu can close again while the tree redraws: open it again until its Delete Run is clicked.
  // The click is what counts; the dialog then comes when the extension host answers, however busy the machine is.
  const dialog = page.locator('.monaco-dialog-box');
  for (let attempt = 1; ; attempt++) {
    await row('model.cell=rnn').click({ button: 'right' });
    try {
      // Chosen as a person at the keyboard does: the menu's last item, then Enter (a click can land while the menu redraws).
      await page.locator('.context-view .action-label', { hasText: /^Delete Run$/ }).waitFor({ timeout: 10_000 });
      await page.keyboard.press('End');
      await page.locator('.context-view .action-item.focused', { hasText: /^Delete Run$/ }).waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      break;
    } catch (error) {
      if (attempt === 5) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await dialog.waitFor({ timeout: 60_000 });
  assert.match((await dialog.textContent()) ?? '', /Delete the run "model\.cell=rnn"\?/);
  await vscode.screenshot('2-delete-dialog');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await row('model.cell=rnn').waitFor({ state: 'detached', timeout: 60_000 });
  assert.equal(existsSync(rnn), false, 'the run folder is deleted');
  assert.equal(existsSync(lstm), true, 'the other run stays');
  assert.match((await row(/^adding/).textContent()) ?? '', /1 run · best [\d.]+/);
  await vscode.screenshot('3-after-delete');
});

test('without experiments, the view offers New Experiment…, which writes and opens a starter spec', { timeout: 180_000 }, async () => {
  const empty = mkdtempSync(join(tmpdir(), 'rnn-lab-empty-'));
  // The harness waits for the explorer to list a file.
  writeFileSync(join(empty, 'notes.txt'), 'No experiments here yet.\n');
  const window = await VsCode.open({ name: 'runs-view-welcome', workspaceFrom: empty });
  try {
    const page = window.page;
    await page.locator('.activitybar .action-label[aria-label^="RNN Lab"]').click();
    const welcome = page.locator('.part.sidebar .welcome-view-content');
    await welcome.getByText('No experiments').waitFor({ timeout: 60_000 });
    await window.screenshot('4-welcome');
    await welcome.getByRole('button', { name: 'New Experiment…' }).click();
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Adding problem' }).click();
    // The save dialog proposes adding.rnn.json in the workspace folder.
    const input = page.locator('.quick-input-widget input.input');
    const proposed = new RegExp(`${join(window.workspace, 'adding.rnn.json').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    for (let tries = 0; !proposed.test(await input.inputValue()); tries++) {
      assert.ok(tries < 100, `the save dialog proposes ${proposed} (it shows ${await input.inputValue()})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await window.screenshot('5-save-dialog');
    await input.press('Enter');
    await page.locator('.tab.active[aria-label^="adding.rnn.json"]').waitFor({ timeout: 30_000 });
    await page.locator('.part.sidebar .monaco-list-row', { hasText: /^adding/ }).waitFor({ timeout: 30_000 });
    assert.match(readFileSync(join(window.workspace, 'adding.rnn.json'), 'utf8'), /"sweep": \{ "model\.cell": \["rnn", "lstm"\] \}/);
    await window.screenshot('6-new-experiment');
  } finally {
    await window.close();
    rmSync(empty, { recursive: true, force: true });
  }
});

test('New Experiment… proposes a free name, and names a CSV experiment after its data file beside the other specs', { timeout: 180_000 }, async () => {
  const page = vscode.page;
  const input = page.locator('.quick-input-widget input.input');
  /** Waits until the simple file dialog shows `path`, and returns what it shows. */
  const dialogShows = async (path: string) => {
    for (let tries = 0; !(await input.inputValue()).endsWith(path); tries++) {
      assert.ok(tries < 100, `the dialog proposes ${path} (it shows ${await input.inputValue()})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return input.inputValue();
  };
  // sine.rnn.json exists in the examples: the proposal is the next free name.
  await vscode.runCommand('RNN Lab: New Experiment…');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'Sine wave' }).click();
  assert.equal(await dialogShows('/sine-2.rnn.json'), join(vscode.workspace, 'sine-2.rnn.json'));
  await vscode.screenshot('7-free-name');
  await input.press('Enter');
  await page.locator('.tab.active[aria-label^="sine-2.rnn.json"]').waitFor({ timeout: 30_000 });
  assert.match(readFileSync(join(vscode.workspace, 'sine-2.rnn.json'), 'utf8'), /"name": "sine-2"/);

  // A CSV series: the data file is in data/, the spec goes beside the examples, named after the file.
  await vscode.runCommand('RNN Lab: New Experiment…');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'CSV series' }).click();
  await input.waitFor();
  const csv = join(vscode.workspace, 'data', 'seattle-weather.csv');
  // The open dialog fills in its starting folder when it is ready; typed before that, the path would be appended to it.
  await page.waitForFunction(
    (selector) => (document.querySelector(selector) as HTMLInputElement | null)?.value.endsWith('/') ?? false,
    '.quick-input-widget input.input',
    {
      timeout: 30_000,
    },
  );
  await input.fill(csv);
  // Enter once the dialog holds the typed path; again, as a person would, while the open dialog is still the one shown
  // (it was busy and kept the path, or went back to its folder, when the path is typed again) until the save dialog follows.
  const title = page.locator('.quick-input-widget .quick-input-title');
  for (let attempt = 1; (await title.innerText()).includes('choose the data file'); attempt++) {
    assert.ok(attempt <= 5, `the open dialog accepts ${csv} (it shows ${await input.inputValue()})`);
    if ((await input.inputValue()) !== csv) await input.fill(csv);
    await input.press('Enter');
    await page
      .waitForFunction(
        ([selector, typed]) => (document.querySelector(selector) as HTMLInputElement | null)?.value !== typed,
        ['.quick-input-widget input.input', csv] as const,
        { timeout: 5_000 },
      )
      .catch(() => undefined);
  }
  assert.equal(await dialogShows('/seattle-weather.rnn.json'), join(vscode.workspace, 'seattle-weather.rnn.json'));
  await vscode.screenshot('8-csv-name');
  await input.press('Enter');
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'temp_max' }).click();
  await page.locator('.tab.active[aria-label^="seattle-weather.rnn.json"]').waitFor({ timeout: 30_000 });
  assert.match(readFileSync(join(vscode.workspace, 'seattle-weather.rnn.json'), 'utf8'), /"path": "data\/seattle-weather\.csv"/);
});
