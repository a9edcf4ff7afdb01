/**
 * Loss sparklines and run results inside experiment files: beside the `"name"` line the latest
 * run's curve and value, beside each value of a sweep list that value's best result (★ for the
 * winner), marked `(stale)` once the spec has changed since the run; a hover with a larger chart,
 * the key numbers and links. Off with `rnnLab.inlineCharts`.
 *
 * Refreshes at most every `REFRESH_MS` while anything changes: one pass computes each visible
 * spec's anchors once and renders each image once (`InlineImages` caches), for all its editors.
 */
import * as vscode from 'vscode';
import { renderSvg } from '../../charts/renderSvg';
import { formatValue } from '../../engine/format';
import { currentChecksums, findAnchors, isStale, type InlineAnchors } from './inlineAnchors';
import { hoverMarkdown } from './inlineHover';
import { InlineImages } from './inlineImages';
import { InlineRunSource, type InlineRun } from './inlineRuns';
import type { RunManager } from '../training/runManager';
import { isSpecUri, SPEC_SELECTOR } from '../specFiles';
import type { SpecValidation } from '../specValidation';

/** The fastest the inline charts are redrawn while a run trains or the text changes. */
const REFRESH_MS = 400;
const SETTING = 'rnnLab.inlineCharts';

/** What one decoration shows, as last given to the editor (for tests). */
export interface InlineDecoration {
  kind: 'name' | 'sweepValue';
  range: vscode.Range;
  text: string;
  stale: boolean;
  hasImage: boolean;
  /** The sweep value, for `sweepValue` decorations. */
  value?: unknown;
}

interface DocumentModel {
  anchors: InlineAnchors;
  checksums: Set<string>;
}

export class InlineCharts implements vscode.HoverProvider, vscode.Disposable {
  private readonly source: InlineRunSource;
  private readonly images: InlineImages;
  /** Images after the value; the text after the image (a decoration attachment holds one or the other). */
  private readonly imageType = vscode.window.createTextEditorDecorationType({});
  private readonly textType = vscode.window.createTextEditorDecorationType({});
  private readonly shown = new Map<string, InlineDecoration[]>();
  /** The resolved spec's checksums per document version: validation reads data files. */
  private readonly checksumCache = new Map<string, { version: number; checksums: Set<string> }>();
  private readonly subscriptions: vscode.Disposable[];
  private timer?: NodeJS.Timeout;
  private lastRefresh = 0;
  /** Redraws run one after the other; `waiting` while one is queued and not started. */
  private queue = Promise.resolve();
  private waiting = false;

  constructor(
    runs: RunManager,
    private readonly validation: SpecValidation,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.source = new InlineRunSource(runs);
    this.images = new InlineImages(renderSvg, log);
    this.subscriptions = [
      this.source,
      this.imageType,
      this.textType,
      vscode.languages.registerHoverProvider(SPEC_SELECTOR, this),
      runs.onDidChange(() => this.refreshSoon()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.refreshSoon()),
      vscode.workspace.onDidChangeTextDocument((event) => isSpecUri(event.document.uri) && this.refreshSoon()),
      vscode.workspace.onDidCloseTextDocument((document) => this.checksumCache.delete(document.uri.toString())),
      vscode.window.onDidChangeActiveColorTheme(() => {
        this.images.clear();
        this.refreshSoon();
      }),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(SETTING) || event.affectsConfiguration('rnnLab.runsFolder')) {
          this.refreshSoon();
        }
      }),
    ];
    this.refreshSoon();
  }

  /** The decorations last set on the editors of `uri` (empty when off or none). For tests. */
  decorationsFor(uri: vscode.Uri): InlineDecoration[] {
    return this.shown.get(uri.toString()) ?? [];
  }

  /** Images rendered so far. For tests. */
  get renderCount(): number {
    return this.images.renderCount;
  }

  /** Redraws now (after a redraw in progress) and resolves once the decorations are set. */
  refresh(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.waiting = true;
    this.queue = this.queue.then(() => {
      this.waiting = false;
      this.lastRefresh = Date.now();
      return this.redraw().catch((error: unknown) => this.log.error(`Inline charts: ${String(error)}`));
    });
    return this.queue;
  }

  async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
    if (!enabled(document.uri)) {
      return undefined;
    }
    const { anchors, checksums } = this.model(document);
    const onLine = (offset: number) => document.positionAt(offset).line === position.line;
    // On a line of sweep values: the value under (or before) the mouse, else the line's last one (its results).
    const offset = document.offsetAt(position);
    const lineValues = anchors.sweepValues.filter((anchor) => anchor.best && onLine(anchor.offset));
    const sweepValue = lineValues.find((anchor) => offset <= anchor.offset) ?? lineValues.at(-1);
    const run = sweepValue?.best ?? (anchors.name && onLine(anchors.name.offset) ? anchors.name.run : undefined);
    if (!run) {
      return undefined;
    }
    const image = await this.images.hoverChart(run);
    return new vscode.Hover(hoverMarkdown(document.uri, run, image, isStale(run, checksums)));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.subscriptions.forEach((d) => d.dispose());
  }

  /** At most one redraw per `REFRESH_MS`. */
  private refreshSoon(): void {
    if (this.timer || this.waiting) {
      return;
    }
    const wait = Math.max(0, this.lastRefresh + REFRESH_MS - Date.now());
    this.timer = setTimeout(() => void this.refresh(), wait);
  }

  private async redraw(): Promise<void> {
    const editors = vscode.window.visibleTextEditors.filter((editor) => isSpecUri(editor.document.uri));
    const documents = new Map(editors.map((editor) => [editor.document.uri.toString(), editor.document]));
    const planned = new Map<string, Promise<Planned[]>>();
    for (const [key, document] of documents) {
      planned.set(key, enabled(document.uri) ? this.plan(document) : Promise.resolve([]));
    }
    for (const [key, plan] of planned) {
      const decorations = await plan;
      this.shown.set(
        key,
        decorations.map((d) => d.info),
      );
      for (const editor of vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === key)) {
        editor.setDecorations(
          this.imageType,
          decorations.filter((d) => d.image).map((d) => d.image!),
        );
        editor.setDecorations(
          this.textType,
          decorations.map((d) => d.text),
        );
      }
    }
    for (const key of this.shown.keys()) {
      if (!documents.has(key)) {
        this.shown.delete(key);
      }
    }
  }

  /** The decorations of one document: anchors, texts and (rendered or cached) images. */
  private async plan(document: vscode.TextDocument): Promise<Planned[]> {
    const { anchors, checksums } = this.model(document);
    const items: { kind: InlineDecoration['kind']; offset: number; run?: InlineRun; text: string; value?: unknown }[] = [];
    if (anchors.name) {
      const run = anchors.name.run;
      items.push({ kind: 'name', offset: anchors.name.offset, run, text: run ? nameText(run, anchors.name.sweepBest) : 'not trained yet' });
    }
    for (const anchor of anchors.sweepValues) {
      items.push({
        kind: 'sweepValue',
        offset: anchor.offset,
        run: anchor.best,
        value: anchor.value,
        text: anchor.best ? sweepText(anchor.best, anchor.winner) : '',
      });
    }
    return Promise.all(
      items
        .filter((item) => item.text !== '')
        .map(async (item): Promise<Planned> => {
          const stale = item.run !== undefined && isStale(item.run, checksums);
          const image = item.run ? await this.images.sparkline(item.run, stale) : undefined;
          const at = document.positionAt(item.offset);
          const range = item.kind === 'name' ? document.lineAt(at.line).range.with({ start: document.lineAt(at.line).range.end }) : new vscode.Range(at, at);
          const text = stale ? `${item.text} (stale)` : item.text;
          return {
            info: { kind: item.kind, range, text, stale, hasImage: image !== undefined, value: item.value },
            image: image ? { range, renderOptions: { after: imageAttachment(image, stale) } } : undefined,
            text: { range, renderOptions: { after: textAttachment(text, stale, image !== undefined) } },
          };
        }),
    );
  }

  private model(document: vscode.TextDocument): DocumentModel {
    const key = document.uri.toString();
    let cached = this.checksumCache.get(key);
    if (cached?.version !== document.version) {
      cached = { version: document.version, checksums: currentChecksums(this.validation.check(document).spec) };
      this.checksumCache.set(key, cached);
    }
    return { anchors: findAnchors(document.getText(), this.source.runsOf(document.uri)), checksums: cached.checksums };
  }
}

interface Planned {
  info: InlineDecoration;
  image?: vscode.DecorationOptions;
  text: vscode.DecorationOptions;
}

function enabled(uri: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration('rnnLab', uri).get<boolean>('inlineCharts', true);
}

/**
 * `loss 0.0123` while training, `val 0.0041 best` after (the run's best epoch), or what went wrong;
 * for the best run of a sweep `val 0.0016 · sweep best: model.cell=lstm`.
 */
function nameText(run: InlineRun, sweepBest: boolean): string {
  const s = run.summary;
  if (run.live) {
    const lastLoss = run.steps.at(-1)?.value;
    return lastLoss === undefined ? 'starting…' : `loss ${formatValue(lastLoss)}`;
  }
  if (s.divergedAt) {
    return `diverged at epoch ${s.divergedAt.epoch}`;
  }
  if (s.status === 'failed' || s.status === 'interrupted') {
    return s.status;
  }
  if (s.bestValidationLoss === undefined) return `${s.status}, no epoch finished`;
  return sweepBest ? `val ${formatValue(s.bestValidationLoss)} · sweep best: ${s.sweep?.label ?? s.id}` : `val ${formatValue(s.bestValidationLoss)} best`;
}

/** `val 0.0041 ★` for a sweep value's best run. */
function sweepText(run: InlineRun, winner: boolean): string {
  const s = run.summary;
  if (s.bestValidationLoss === undefined) {
    return run.live ? 'training…' : s.status === 'failed' && s.divergedAt ? 'diverged' : s.status;
  }
  return `val ${formatValue(s.bestValidationLoss)}${winner ? ' ★' : ''}`;
}

function imageAttachment(image: string, stale: boolean): vscode.ThemableDecorationAttachmentRenderOptions {
  return {
    contentIconPath: vscode.Uri.parse(image),
    margin: '0 0 0 1.2em',
    // Dimmed beyond the muted colours of a stale chart.
    textDecoration: stale ? 'none; opacity: 0.55; vertical-align: middle' : 'none; vertical-align: middle',
  };
}

function textAttachment(text: string, stale: boolean, afterImage: boolean): vscode.ThemableDecorationAttachmentRenderOptions {
  return {
    contentText: text,
    margin: afterImage ? '0 0 0 0.4em' : '0 0 0 1.2em',
    color: new vscode.ThemeColor(stale ? 'disabledForeground' : 'editorCodeLens.foreground'),
    fontStyle: stale ? 'italic' : 'normal',
  };
}
