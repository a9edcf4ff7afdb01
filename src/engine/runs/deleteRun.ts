/**
 * Deleting a run folder, guarded: only a folder that is plainly a run (it holds a run's files
 * and nothing else) is removed, so a wrong path can never take other files with it.
 */
import { readdirSync, rmSync, statSync, type Dirent } from 'node:fs';
import { basename } from 'node:path';
import { TEMP_FILE } from '../io/files';
import { RUN_FILES, RUN_FOLDERS } from './layout';

const KNOWN_FILES: ReadonlySet<string> = new Set(Object.values(RUN_FILES));
const KNOWN_FOLDERS: ReadonlySet<string> = new Set(Object.values(RUN_FOLDERS));
/** At least one of these marks a run folder. */
const MARKERS: readonly string[] = [RUN_FILES.summary, RUN_FILES.spec, RUN_FILES.metrics];

/** Why `dir` is not a run folder that may be deleted, or undefined when it is one. */
export function notARunFolder(dir: string): string | undefined {
  let entries;
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    return `cannot read ${dir}: ${error instanceof Error ? error.message : String(error)}`;
  }
  if (basename(dir).startsWith('.')) return `${dir} is a hidden folder, not a run`;
  if (!entries.some((entry) => entry.isFile() && MARKERS.includes(entry.name))) {
    return `${dir} is not a run folder: it has none of ${MARKERS.join(', ')}`;
  }
  const known = (entry: Dirent) =>
    (entry.isFile() && (KNOWN_FILES.has(entry.name) || TEMP_FILE.test(entry.name))) || (entry.isDirectory() && KNOWN_FOLDERS.has(entry.name));
  const foreign = entries.filter((entry) => !known(entry)).map((entry) => entry.name);
  if (foreign.length > 0) {
    return `${dir} holds more than a run's files (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); delete it by hand if that is meant`;
  }
  return undefined;
}

/** Deletes a run folder; throws, deleting nothing, when `dir` is not one (see `notARunFolder`). */
export function deleteRun(dir: string): void {
  const problem = notARunFolder(dir);
  if (problem) throw new Error(problem);
  rmSync(dir, { recursive: true, force: true });
}
