/**
 * Follows one experiment's runs folder on disk, inside the workspace or not, so that runs of
 * the command line or of another window show up by themselves: the folder itself (runs made or
 * deleted; while it does not exist yet, its nearest existing parent) and the `summary.json` of
 * the runs that are still running. Node's own watchers, one per folder, non-recursive: a run's
 * `metrics.jsonl`, appended at every step, is never watched.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { RUN_FILES } from '../../engine/runs/layout';

export class ExperimentFolderWatcher {
  private folder?: { path: string; watcher: FSWatcher };
  private readonly runWatchers = new Map<string, FSWatcher>();

  constructor(
    readonly dir: string,
    private readonly onChange: () => void,
  ) {
    this.watchFolder();
  }

  /** Watches the summaries of these run folders (the running ones), and no others. */
  watchRuns(runDirs: readonly string[]): void {
    const wanted = new Set(runDirs);
    for (const [dir, watcher] of this.runWatchers) {
      if (!wanted.has(dir)) {
        watcher.close();
        this.runWatchers.delete(dir);
      }
    }
    for (const dir of wanted) {
      if (this.runWatchers.has(dir)) continue;
      const watcher = tryWatch(dir, (file) => {
        if (file === RUN_FILES.summary) this.onChange();
      });
      if (watcher) this.runWatchers.set(dir, watcher);
    }
  }

  dispose(): void {
    this.folder?.watcher.close();
    this.folder = undefined;
    this.runWatchers.forEach((watcher) => watcher.close());
    this.runWatchers.clear();
  }

  /** Watches the experiment folder, or the nearest parent that exists until it does. */
  private watchFolder(): void {
    let target = this.dir;
    while (!existsSync(target) && path.dirname(target) !== target) target = path.dirname(target);
    if (this.folder?.path === target) return;
    this.folder?.watcher.close();
    this.folder = undefined;
    const watcher = tryWatch(target, () => {
      if (target !== this.dir || !existsSync(this.dir)) this.watchFolder();
      this.onChange();
    });
    if (watcher) this.folder = { path: target, watcher };
  }
}

/** A non-recursive watcher that reports the changed file's name, or undefined when the folder cannot be watched. */
function tryWatch(dir: string, changed: (file: string | null) => void): FSWatcher | undefined {
  try {
    const watcher = watch(dir, { persistent: false }, (_event, file) => changed(file));
    // A watched folder that goes away ends its watcher with an error on some systems.
    watcher.on('error', () => watcher.close());
    return watcher;
  } catch {
    return undefined;
  }
}
