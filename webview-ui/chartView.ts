/**
 * One Vega-Lite chart in the panel: embedded with vega-embed's interpreter (no `eval`, as the
 * webview's CSP requires), fed through named datasets, streamed into with `view.change`, and
 * exported as PNG or SVG through the host.
 */
import { changeset, type View } from 'vega';
import embed from 'vega-embed';
import type { TopLevelSpec } from 'vega-lite';
import { FromWebviewType } from '../src/protocol';
import { h } from './dom';
import { postToHost } from './host';

export type Datasets = Record<string, readonly object[]>;

export class ChartView {
  /** The element holding the chart; focusable, so zoom can be limited to when it has focus. */
  readonly element: HTMLElement;
  private readonly plot: HTMLElement;
  private view?: View;
  /** Embeds and updates run one after the other. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    /** Names exported files, e.g. `loss`. */
    private readonly name: string,
    label: string,
    /** Zoom and pan (wheel, drag) reach the chart only while it has focus, so it never takes the panel's scrolling. */
    zoomWhenFocused = false,
  ) {
    this.plot = h('div', { class: 'plot', tabindex: 0, role: 'img', 'aria-label': label });
    if (zoomWhenFocused) {
      const unlessFocused = (event: Event) => {
        if (document.activeElement !== this.plot) event.stopPropagation();
      };
      this.plot.addEventListener('wheel', unlessFocused, { capture: true, passive: true });
      this.plot.addEventListener('pointerdown', unlessFocused, { capture: true });
    }
    const exportButton = (format: 'png' | 'svg') => {
      const button = h('button', { type: 'button', class: 'secondary', 'aria-label': `Export the ${label} as ${format.toUpperCase()}` }, format.toUpperCase());
      button.addEventListener('click', () => void this.export(format));
      return button;
    };
    this.element = h(
      'figure',
      { class: 'chart', 'data-chart': name },
      this.plot,
      h('div', { class: 'chart-actions' }, exportButton('png'), exportButton('svg')),
    );
  }

  /** Replaces the chart with `spec` filled with `data`. */
  render(spec: TopLevelSpec, data: Datasets): Promise<void> {
    return this.enqueue(async () => {
      this.view?.finalize();
      const result = await embed(this.plot, spec, {
        ast: true,
        actions: false,
        renderer: 'svg',
        defaultStyle: false,
        tooltip: { theme: 'custom', disableDefaultStyle: true },
      });
      this.view = result.view;
      for (const [name, rows] of Object.entries(data)) {
        this.view.change(
          name,
          changeset()
            .remove(() => true)
            .insert(rows as object[]),
        );
      }
      await this.view.runAsync();
    });
  }

  /** Appends rows to the named datasets (an embedded chart only). */
  insert(data: Datasets): Promise<void> {
    return this.enqueue(async () => {
      if (!this.view) return;
      for (const [name, rows] of Object.entries(data)) {
        if (rows.length > 0) this.view.change(name, changeset().insert(rows as object[]));
      }
      await this.view.runAsync();
    });
  }

  /** Replaces the rows of the named datasets. */
  replace(data: Datasets): Promise<void> {
    return this.enqueue(async () => {
      if (!this.view) return;
      for (const [name, rows] of Object.entries(data)) {
        this.view.change(
          name,
          changeset()
            .remove(() => true)
            .insert(rows as object[]),
        );
      }
      await this.view.runAsync();
    });
  }

  /** Re-measures the chart after its container became visible or changed size. */
  resize(): Promise<void> {
    return this.enqueue(async () => {
      await this.view?.resize().runAsync();
    });
  }

  /**
   * The plot width that leaves room for the axes and legend within the panel: charts get a width
   * in pixels, as `'container'` plus padding would overflow it.
   */
  plotWidth(room = 90): number {
    return Math.max(240, this.element.clientWidth - room);
  }

  /**
   * A plot height that fills `share` of the panel's height below the chart's top (less room for
   * the axes, legend and export buttons), at least `min` pixels: charts use the panel's height.
   */
  fillHeight(share: number, min: number, room = 110): number {
    const top = this.element.getBoundingClientRect().top + window.scrollY;
    return Math.max(min, Math.floor((window.innerHeight - top) * share - room));
  }

  get isRendered(): boolean {
    return this.view !== undefined;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task).catch((error: unknown) => console.error(`RNN Lab chart ${this.name}:`, error));
    this.queue = next;
    return next;
  }

  private async export(format: 'png' | 'svg'): Promise<void> {
    if (!this.view) return;
    const data = format === 'png' ? await this.view.toImageURL('png', 2) : await this.view.toSVG();
    postToHost({ type: FromWebviewType.SaveChart, fileName: `${this.name}.${format}`, format, data });
  }
}
