/** A one-line progress display for terminals, redrawn in place at a bounded rate. */

/** Redraws at most this often. */
const MIN_REDRAW_MS = 100;

export class ProgressLine {
  private lastDraw = 0;
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  /** Redraws the line with `render()`'s text, unless it was redrawn very recently. */
  update(render: () => string): void {
    const now = Date.now();
    if (now - this.lastDraw < MIN_REDRAW_MS) {
      return;
    }
    this.lastDraw = now;
    // One column short of the width, so that the terminal never wraps the line.
    const width = Math.max(10, (this.stream.columns || 80) - 1);
    this.stream.write(`\r${render().slice(0, width)}\x1b[K`);
    this.shown = true;
  }

  /** Erases the line, so that ordinary output can follow; the next update draws at once. */
  clear(): void {
    if (this.shown) {
      this.stream.write('\r\x1b[K');
      this.shown = false;
    }
    this.lastDraw = 0;
  }
}

/** `[=====>     ]` for a fraction in [0, 1]. */
export function progressBar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  const head = filled > 0 && filled < width ? '>' : '';
  return `[${'='.repeat(Math.max(0, filled - head.length))}${head}${' '.repeat(width - filled)}]`;
}
