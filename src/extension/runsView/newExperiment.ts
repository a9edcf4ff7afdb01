/**
 * "New Experiment…": a quick pick of tasks, the data file for the tasks that read one, a file
 * name, then a commented starter spec (see `engine/spec/templates.ts`) written and opened.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { readTable, userDataFile } from '../../engine/data/files';
import {
  BUILTIN_CHOICES,
  guessTextFields,
  numericFields,
  renderTemplate,
  SPEC_TEMPLATES,
  freeSpecFileName,
  specFileName,
  type SpecTemplate,
  type TemplateOptions,
  type TemplateTask,
} from '../../engine/spec/templates';

export interface NewExperimentOptions {
  /** Skip the quick pick of tasks. */
  task?: TemplateTask;
  /** Where to write the spec, instead of asking. An existing file is never overwritten. */
  to?: vscode.Uri;
}

export function registerNewExperiment(): vscode.Disposable {
  return vscode.commands.registerCommand('rnnLab.newExperiment', (options?: NewExperimentOptions) => newExperiment(options ?? {}));
}

/** Returns the new spec file, or undefined when cancelled or refused. */
async function newExperiment(options: NewExperimentOptions): Promise<vscode.Uri | undefined> {
  const template = options.task ? SPEC_TEMPLATES.find((t) => t.task === options.task) : await pickTemplate();
  if (!template) return undefined;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  let target = options.to;
  let data: Omit<TemplateOptions, 'name'> | undefined = {};
  if (template.dataFile) {
    const picked = await vscode.window.showOpenDialog({
      title: `New ${template.label} experiment: choose the data file`,
      defaultUri: folder,
      canSelectMany: false,
      filters: { [template.dataFile.title]: template.dataFile.extensions },
      openLabel: 'Use This File',
    });
    if (!picked?.[0]) return undefined;
    const dataName = specFileName(path.basename(picked[0].fsPath).replace(/\.[^.]*$/, ''));
    target ??= await askTarget(await proposedSpecUri(dataName, path.dirname(picked[0].fsPath)));
    if (!target) return undefined;
    data = await dataOptions(template, picked[0].fsPath, path.dirname(target.fsPath));
    if (!data) return undefined;
  } else {
    target ??= await askTarget(folder && (await proposedSpecUri(specFileName(template.task), folder.fsPath)));
    if (!target) return undefined;
    if (template.task === 'builtin') {
      const dataset = await vscode.window.showQuickPick(
        BUILTIN_CHOICES.map((choice) => ({ label: choice.name, detail: choice.detail })),
        { title: 'Which built-in data set?' },
      );
      if (!dataset) return undefined;
      data = { builtin: dataset.label as TemplateOptions['builtin'] };
    }
  }
  if (!target.fsPath.endsWith('.rnn.json')) {
    target = vscode.Uri.file(`${target.fsPath.replace(/\.json$/i, '')}.rnn.json`);
  }
  if (existsSync(target.fsPath)) {
    void vscode.window.showErrorMessage(`RNN Lab: ${vscode.workspace.asRelativePath(target)} already exists; choose another name.`);
    return undefined;
  }
  const name = path.basename(target.fsPath).replace(/\.rnn\.json$/i, '');
  await writeFile(target.fsPath, renderTemplate(template.task, { name, ...data }), { flag: 'wx' });
  await vscode.window.showTextDocument(target);
  return target;
}

async function pickTemplate(): Promise<SpecTemplate | undefined> {
  const picked = await vscode.window.showQuickPick(
    SPEC_TEMPLATES.map((template) => ({ label: template.label, detail: template.detail, template })),
    { title: 'New experiment', placeHolder: 'What should the network learn?', matchOnDetail: true },
  );
  return picked?.template;
}

/**
 * Where to propose saving a new spec called `fileName`: beside the workspace's other specs (the
 * folder holding most of them), else in `fallbackDir`; under a name no file has yet.
 */
async function proposedSpecUri(fileName: string, fallbackDir: string): Promise<vscode.Uri> {
  const specs = await vscode.workspace.findFiles('**/*.rnn.json', '**/node_modules/**', 200);
  const counts = new Map<string, number>();
  for (const spec of specs) counts.set(path.dirname(spec.fsPath), (counts.get(path.dirname(spec.fsPath)) ?? 0) + 1);
  const dir = [...counts].sort(([a, m], [b, n]) => n - m || a.length - b.length)[0]?.[0] ?? fallbackDir;
  return vscode.Uri.file(
    path.join(
      dir,
      freeSpecFileName(fileName, (name) => existsSync(path.join(dir, name))),
    ),
  );
}

async function askTarget(defaultUri: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  return vscode.window.showSaveDialog({
    title: 'Save the new experiment as',
    defaultUri,
    filters: { 'RNN Lab experiment (*.rnn.json)': ['json'] },
    saveLabel: 'Create',
  });
}

/** The template options for a data file: its path relative to the spec, and the columns to use. */
async function dataOptions(template: SpecTemplate, file: string, specDir: string): Promise<Omit<TemplateOptions, 'name'> | undefined> {
  const dataPath = path.relative(specDir, file).split(path.sep).join('/');
  if (template.task === 'text') return { dataPath };
  let fields: string[];
  let numeric: string[];
  try {
    const table = readTable(userDataFile(file, specDir));
    fields = table.fields;
    numeric = numericFields(table);
  } catch (error) {
    void vscode.window.showErrorMessage(`RNN Lab: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
  if (template.task === 'labeled-text') {
    const guess = guessTextFields(fields);
    if (!guess) void vscode.window.showErrorMessage(`RNN Lab: ${path.basename(file)} needs a text and a label field; it has ${fields.join(', ') || 'none'}.`);
    return guess && { dataPath, ...guess };
  }
  if (numeric.length === 0) {
    void vscode.window.showErrorMessage(`RNN Lab: ${path.basename(file)} has no numeric column to forecast.`);
    return undefined;
  }
  const target = numeric.length === 1 ? numeric[0] : await vscode.window.showQuickPick(numeric, { title: 'Which column should the network forecast?' });
  return target === undefined ? undefined : { dataPath, target };
}
