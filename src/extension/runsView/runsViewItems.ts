/** The nodes of the runs tree, and how a run looks there: its status icon, one-line description and tooltip. */
import * as vscode from 'vscode';
import { describeEngine, formatAge, formatCount, formatDuration, formatPercent, formatValue } from '../../engine/format';
import { RUN_FILES } from '../../engine/runs/layout';
import { runDisplayName } from '../../engine/runs/annotations';
import { formatSweepValue } from '../../engine/spec/sweep';
import type { RunAnnotations } from '../../engine/runs/annotations';
import type { RunStatus } from '../../engine/runs/runStatus';
import type { RunSummary } from '../../engine/runs/summary';
import type { TrainingRun } from '../training/trainingRun';
import { findingsBadge, findingsMarkdown } from '../doctor/findingText';

export interface ExperimentNode {
  kind: 'experiment';
  specUri: vscode.Uri;
  /** The folder of its runs. */
  dir: string;
}

export interface RunNode {
  kind: 'run';
  experiment: ExperimentNode;
  /** The folder name, or a placeholder for a queued live run. */
  id: string;
  /** Missing while a live run is queued. */
  runDir?: string;
  /** The stored summary; missing for a live run that has not written one yet. */
  summary?: RunSummary;
  annotations: RunAnnotations;
  /** This window's run, while it is queued or training. */
  live?: TrainingRun;
}

export type RunsViewNode = ExperimentNode | RunNode;

/** Longest reason shown in a description; the tooltip has it whole. */
const REASON_CHARS = 60;

const ICONS: Record<RunStatus, [icon: string, color: string]> = {
  completed: ['pass', 'testing.iconPassed'],
  stopped: ['circle-slash', 'charts.yellow'],
  cancelled: ['circle-slash', 'descriptionForeground'],
  failed: ['error', 'testing.iconFailed'],
  interrupted: ['debug-disconnect', 'charts.orange'],
  running: ['sync~spin', 'charts.blue'],
  stopping: ['sync~spin', 'charts.yellow'],
  queued: ['clock', 'descriptionForeground'],
};

export function runIcon(state: RunStatus): vscode.ThemeIcon {
  const [icon, color] = ICONS[state];
  return new vscode.ThemeIcon(icon, new vscode.ThemeColor(color));
}

/** The run's name: the user's, else its sweep label, else its id. */
export function runNodeName(node: RunNode): string {
  const label = node.summary?.sweep?.label ?? node.live?.sweepRun.label;
  return runDisplayName({ id: node.id, sweep: label ? { label, assignments: {} } : undefined }, node.annotations);
}

/**
 * `val 0.0123 · 42.0s · 5m ago`, `epoch 3/20 · loss 0.0123` (live), `epoch 2/20 · val 0.02 · another process`,
 * `failed: <reason> · 5m ago`; then the tags as `#tag`.
 */
export function runDescription(node: RunNode, state: RunStatus, now = Date.now()): string {
  const parts: (string | undefined)[] = [];
  const live = node.live;
  const s = node.summary;
  if (state === 'queued') {
    parts.push('queued');
  } else if (state === 'running' && live) {
    const { epoch, epochsPlanned, loss } = live.progress;
    parts.push(epochsPlanned > 0 ? `epoch ${epoch}/${epochsPlanned}` : 'starting', loss === undefined ? undefined : `loss ${formatValue(loss)}`);
    if (live.state === 'stopping') parts.push('stopping');
  } else if (s && state === 'running') {
    // Another process's run: as far as its summary (rewritten every few seconds) goes.
    const best = s.bestValidationLoss === undefined ? undefined : `val ${formatValue(s.bestValidationLoss)}`;
    const planned = typeof s.epochsPlanned === 'number' && s.epochsPlanned > 0;
    parts.push(planned ? `epoch ${formatCount(s.epochsDone)}/${formatCount(s.epochsPlanned)}` : 'starting', best, 'another process');
  } else if (s) {
    if (state === 'failed' || state === 'interrupted') {
      const reason = s.reason ?? 'no reason recorded';
      parts.push(`${state}: ${reason.length > REASON_CHARS ? `${reason.slice(0, REASON_CHARS - 1)}…` : reason}`);
    } else {
      parts.push(
        state === 'stopped' ? 'stopped' : undefined,
        s.bestValidationLoss === undefined ? 'no epoch finished' : `val ${formatValue(s.bestValidationLoss)}`,
        formatDuration(s.durationMs),
      );
    }
    if (s.rebuilt) parts.push('rebuilt from metrics');
    parts.push(formatAge(now - Date.parse(s.startedAt)));
  }
  parts.push(...(node.annotations.tags ?? []).map((tag) => `#${tag}`));
  const badge = findingsBadge(live?.findings.length ? live.findings : s?.findings);
  if (badge) parts.unshift(badge);
  return parts.filter((part) => part !== undefined).join(' · ');
}

/** The whole summary: status and reason, numbers, sweep point, note, tags and where the run is. */
export function runTooltip(node: RunNode, state: RunStatus): vscode.MarkdownString {
  const s = node.summary;
  const live = node.live;
  const markdown = new vscode.MarkdownString();
  markdown.supportThemeIcons = true;
  const [icon] = ICONS[state];
  markdown.appendMarkdown(`$(${icon.replace('~spin', '')}) **${escape(runNodeName(node))}** · ${state}`);
  if (node.annotations.name || s?.sweep?.label) markdown.appendMarkdown(` · run \`${node.id}\``);
  markdown.appendMarkdown('\n\n');
  const reason = live?.isActive ? undefined : (s?.reason ?? live?.reason);
  if (reason) markdown.appendMarkdown(`**${state === 'failed' ? 'Failed' : state === 'interrupted' ? 'Interrupted' : 'Reason'}:** ${escape(reason)}\n\n`);
  if (s?.divergedAt) markdown.appendMarkdown(`**Diverged** at epoch ${s.divergedAt.epoch}, step ${s.divergedAt.step}.\n\n`);
  const rows: [string, string | undefined][] = [];
  if (live?.isActive && state === 'running') {
    const p = live.progress;
    rows.push(['Epoch', `${p.epoch}/${p.epochsPlanned}`], ['Step', String(p.step)], ['Loss', formatValue(p.loss)]);
    rows.push(['Last validation', formatValue(p.lastValidationLoss)]);
    rows.push(['Steps/s (median)', p.stepsPerSecond === undefined ? undefined : String(Math.round(p.stepsPerSecond))]);
  }
  if (s) {
    rows.push(
      ['Best validation', s.bestValidationLoss === undefined ? undefined : `${formatValue(s.bestValidationLoss)} at epoch ${formatCount(s.bestEpoch)}`],
      ['Last validation', s.lastValidationLoss === undefined ? undefined : formatValue(s.lastValidationLoss)],
      ['Best accuracy', s.bestValidationAccuracy === undefined ? undefined : formatPercent(s.bestValidationAccuracy)],
      ['Baseline', s.baseline ? `${formatValue(s.baseline.loss)} (${s.baseline.label})` : undefined],
      ['Epochs', s.epochsPlanned ? `${formatCount(s.epochsDone)}/${formatCount(s.epochsPlanned)}` : formatCount(s.epochsDone)],
      ['Steps', formatCount(s.steps)],
      ['Duration', formatDuration(s.durationMs)],
      ['Steps/s (median)', s.stepsPerSecondMedian === undefined ? undefined : String(Math.round(s.stepsPerSecondMedian))],
      ['Parameters', s.parameterCount === undefined ? undefined : typeof s.parameterCount === 'number' ? s.parameterCount.toLocaleString('en-US') : '?'],
      ['Engine', describeEngine(s.engine, s.backend, s)],
      ['Backend note', s.backendNote],
      ['Data', s.dataset],
      ['Data file', s.dataFile],
      ['Started', Number.isFinite(Date.parse(s.startedAt)) ? new Date(s.startedAt).toLocaleString() : '?'],
      ['Summary', s.rebuilt ? `rebuilt from ${RUN_FILES.metrics}: ${s.rebuilt}` : undefined],
    );
  }
  const sweep = s?.sweep ?? (live?.sweepRun.label ? live.sweepRun : undefined);
  if (sweep && Object.keys(sweep.assignments).length > 0) {
    rows.push([
      'Sweep point',
      Object.entries(sweep.assignments)
        .map(([key, value]) => `${key} = ${formatSweepValue(value)}`)
        .join(', '),
    ]);
  }
  if (node.annotations.tags?.length) rows.push(['Tags', node.annotations.tags.map((tag) => `#${tag}`).join(' ')]);
  const shown = rows.filter((row): row is [string, string] => row[1] !== undefined);
  if (shown.length > 0) {
    markdown.appendMarkdown(`| | |\n|---|---|\n${shown.map(([key, value]) => `| ${key} | ${escape(value)} |`).join('\n')}\n\n`);
  }
  markdown.appendMarkdown(findingsMarkdown(live?.findings.length ? live.findings : s?.findings, escape));
  if (node.annotations.note) markdown.appendMarkdown(`**Note:** ${escape(node.annotations.note)}\n\n`);
  if (node.runDir) markdown.appendMarkdown(`\`${vscode.workspace.asRelativePath(node.runDir)}\``);
  return markdown;
}

/** Markdown special characters escaped, for names, reasons and notes. */
function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&').replace(/\n/g, '  \n');
}
