/**
 * The getting-started walkthrough: contributed with its five steps and their images, and each
 * step's buttons run, in order, what a first-time user does: open the sine example, train it,
 * show its gradient flow, open and train the adding sweep, and compare its runs.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { suite, suiteTeardown, test } from 'mocha';
import * as vscode from 'vscode';
import type { TrainingRun } from '../../../src/extension/training/trainingRun';
import { ToWebviewType, type ToWebviewMessage } from '../../../src/protocol';
import { name, publisher } from '../../../package.json';
import { holdAtTestGate, rnnLab, stopAllRuns, waitFor, waitForEnd, workspaceFile } from './support';

interface WalkthroughStep {
  id: string;
  title: string;
  description: string;
  media: { image?: string; altText?: string };
  completionEvents?: string[];
}

/** The command links of a step's description, as the walkthrough runs them: id and JSON arguments. */
function commandLinks(description: string): { command: string; args: unknown[] }[] {
  return [...description.matchAll(/\]\(command:([\w.]+)(?:\?([^)]*))?\)/g)].map(([, command, query]) => {
    const args: unknown = query === undefined ? [] : JSON.parse(decodeURIComponent(query));
    return { command, args: Array.isArray(args) ? args : [args] };
  });
}

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(`${publisher}.${name}`);
  assert.ok(found, 'RNN Lab is loaded');
  return found;
}

function steps(): WalkthroughStep[] {
  const walkthroughs = (extension().packageJSON as { contributes: { walkthroughs?: { id: string; steps: WalkthroughStep[] }[] } }).contributes.walkthroughs;
  const walkthrough = walkthroughs?.find((w) => w.id === 'gettingStarted');
  assert.ok(walkthrough, 'the gettingStarted walkthrough is contributed');
  return walkthrough.steps;
}

/** Runs the command links of step `id` in order and returns what the last one returned. */
async function runStep(id: string, linkIndex?: number): Promise<unknown> {
  const step = steps().find((s) => s.id === id);
  assert.ok(step, id);
  const links = commandLinks(step.description);
  let result: unknown;
  for (const link of linkIndex === undefined ? links : [links[linkIndex]]) result = await vscode.commands.executeCommand(link.command, ...link.args);
  return result;
}

suite('walkthrough', () => {
  const adding = () => workspaceFile('adding.rnn.json');

  suiteTeardown(async () => {
    await stopAllRuns();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(adding().fsPath, { force: true });
  });

  test('five steps, each with an image that exists, a button for a registered command and a completion event', async () => {
    const contributed = steps();
    assert.deepEqual(
      contributed.map((step) => step.id),
      ['openExample', 'train', 'gradientFlow', 'addingSweep', 'compare'],
    );
    const commands = new Set(await vscode.commands.getCommands(true));
    for (const step of contributed) {
      assert.ok(step.media.image && existsSync(path.join(extension().extensionPath, step.media.image)), `${step.id}: ${step.media.image}`);
      assert.ok(step.media.altText, `${step.id} has alt text`);
      const links = commandLinks(step.description);
      assert.ok(links.length > 0, `${step.id} has a button`);
      for (const link of links) assert.ok(commands.has(link.command), `${step.id}: ${link.command} is registered`);
      assert.ok(
        step.completionEvents?.every((event) => commands.has(event.replace(/^onCommand:/, ''))),
        `${step.id} is ticked by its command`,
      );
    }
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${publisher}.${name}#gettingStarted`, false);
  });

  test("the steps' buttons: open sine, train it, its gradient flow; open adding, train its sweep, compare", async () => {
    const api = await rnnLab();
    // The walkthrough is the active editor: the buttons act on the spec shown beside it.
    await vscode.commands.executeCommand('workbench.action.openWalkthrough', `${publisher}.${name}#gettingStarted`, false);
    const sine = (await runStep('openExample')) as vscode.Uri;
    assert.equal(sine.toString(), workspaceFile('sine.rnn.json').toString());
    await waitFor('sine.rnn.json beside the walkthrough', () => vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === sine.toString()));

    const [run] = (await runStep('train')) as TrainingRun[];
    assert.equal(run.specUri.toString(), sine.toString());
    await waitForEnd(run);
    const panel = await waitFor('the panel of sine', () => api.panels.panelFor(sine));
    const messages: ToWebviewMessage[] = [];
    const watch = panel.onDidPost((message) => messages.push(message));
    try {
      await runStep('gradientFlow');
      await waitFor('the Gradient flow view brought forward', () => messages.some((m) => m.type === ToWebviewType.Focus && m.view === 'gradient'));
    } finally {
      watch.dispose();
    }

    // The fixture workspace has no adding.rnn.json: the button writes the starter spec.
    const release = holdAtTestGate('adding');
    try {
      const opened = (await runStep('addingSweep', 0)) as vscode.Uri;
      assert.equal(opened.toString(), adding().toString());
      await waitFor('adding.rnn.json beside the walkthrough', () =>
        vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === adding().toString()),
      );
      const sweep = (await runStep('addingSweep', 1)) as TrainingRun[];
      assert.deepEqual(
        sweep.map((r) => r.sweepRun.label),
        ['model.cell=rnn', 'model.cell=lstm'],
      );
      assert.ok(
        sweep.every((r) => r.sweepGroup !== undefined),
        'trained as one sweep',
      );
      const addingPanel = await waitFor('the panel of adding', () => api.panels.panelFor(adding()));
      const compared: ToWebviewMessage[] = [];
      const watchCompare = addingPanel.onDidPost((message) => compared.push(message));
      try {
        await runStep('compare');
        await waitFor('the Compare view brought forward', () => compared.some((m) => m.type === ToWebviewType.Focus && m.view === 'compare'));
      } finally {
        watchCompare.dispose();
      }
    } finally {
      release();
    }
  });
});
