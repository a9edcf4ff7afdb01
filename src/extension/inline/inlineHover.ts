/**
 * The hover of an inline chart: a larger loss chart, the run's key numbers and links to the
 * panel, training again, comparing runs and the run folder (those two commands are in
 * `runActions.ts`, shared with the runs view).
 */
import * as vscode from 'vscode';
import { formatDuration, formatStepsPerSecond, formatValue } from '../../engine/format';
import type { InlineRun } from './inlineRuns';

/** The only commands a hover's links may run. */
export const HOVER_COMMANDS = ['rnnLab.openPanel', 'rnnLab.train', 'rnnLab.compareRuns', 'rnnLab.showRunFolder'] as const;

/** The hover text of a run; `image` is the hover chart's data URI, when there is one. */
export function hoverMarkdown(specUri: vscode.Uri, run: InlineRun, image: string | undefined, stale: boolean): vscode.MarkdownString {
  const s = run.summary;
  const markdown = new vscode.MarkdownString();
  markdown.isTrusted = { enabledCommands: [...HOVER_COMMANDS] };
  const title = s.sweep?.label ? `${s.experiment} (${s.sweep.label})` : s.experiment;
  markdown.appendMarkdown(`**${escape(title)}** · ${run.live ? 'training' : s.status}${run.runDir ? ` · run \`${s.id}\`` : ''}\n\n`);
  if (stale) {
    markdown.appendMarkdown('_The spec has changed since this run._\n\n');
  }
  if (s.divergedAt) {
    markdown.appendMarkdown(`**Diverged** at epoch ${s.divergedAt.epoch}, step ${s.divergedAt.step}.\n\n`);
  }
  if ((s.status === 'failed' || s.status === 'interrupted') && s.reason) {
    markdown.appendMarkdown(`**${s.status === 'failed' ? 'Failed' : 'Interrupted'}:** ${escape(s.reason)}\n\n`);
  }
  const epochs = s.epochsPlanned ? `${s.epochsDone}/${s.epochsPlanned}` : String(s.epochsDone);
  const numbers = [
    s.bestValidationLoss === undefined ? 'no epoch finished' : `best val **${formatValue(s.bestValidationLoss)}** @ epoch ${s.bestEpoch}`,
    `last val ${formatValue(s.lastValidationLoss)}`,
    `${epochs} epochs`,
    formatDuration(s.durationMs),
    formatStepsPerSecond(s.stepsPerSecondMedian),
  ];
  markdown.appendMarkdown(`${numbers.filter((part) => part !== undefined).join(' · ')}\n\n`);
  const links = [
    link('Open panel', 'rnnLab.openPanel', [specUri]),
    link('Train again', 'rnnLab.train', [specUri, { sweep: s.sweep !== undefined }]),
    link('Compare runs', 'rnnLab.compareRuns', [specUri]),
  ];
  if (run.runDir) {
    links.push(link('Show run folder', 'rnnLab.showRunFolder', [vscode.Uri.file(run.runDir)]));
  }
  markdown.appendMarkdown(`${links.join(' · ')}\n\n`);
  // Last: a hover is at most about 250 px high, and the numbers and links must stay in sight.
  if (image) {
    markdown.appendMarkdown(`![loss per epoch](${image})\n\n`);
  }
  return markdown;
}

function link(title: string, command: string, args: unknown[]): string {
  return `[${title}](command:${command}?${encodeURIComponent(JSON.stringify(args))})`;
}

/** Markdown special characters escaped, for names and reasons in the hover. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}
