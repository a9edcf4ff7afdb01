/**
 * The only two ways the run store writes: whole files replaced atomically (temp file in the
 * same folder, then rename) and JSON lines appended. A process killed at any moment leaves
 * either the old or the new version of a file, or a JSON-lines file whose last line may be
 * cut short — which the reader skips.
 *
 * JSON cannot hold NaN or ±Infinity: such numbers (a diverged loss) are stored as null.
 *
 * A durable write also reaches the disk (fsync of the file and of its folder) before it
 * returns, so that a power cut cannot undo it: the run store asks for it at checkpoints and at
 * a run's end, not for every summary update.
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let tempCounter = 0;

/** What `replaceFileAtomically` names its temp files: `.<name>.<pid>-<n>.tmp`, the pid in group 1. */
export const TEMP_FILE = /^\..+\.(\d+)-\d+\.tmp$/;

/** Writes a file through `write(tempPath)` and then renames the temp file over `path`; `durable`: see above. */
export function replaceFileAtomically(path: string, write: (tempPath: string) => void, durable = false): void {
  const tempPath = join(dirname(path), `.${basename(path)}.${process.pid}-${++tempCounter}.tmp`);
  try {
    write(tempPath);
    if (durable) syncPath(tempPath);
    renameSync(tempPath, path);
  } catch (error) {
    rmSync(tempPath, { force: true });
    throw error;
  }
  if (durable) syncFolder(dirname(path));
}

/** Writes `value` as pretty-printed JSON, atomically. */
export function writeJsonAtomically(path: string, value: unknown, durable = false): void {
  replaceFileAtomically(path, (tempPath) => writeFileSync(tempPath, `${JSON.stringify(value, null, 2)}\n`), durable);
}

/** Flushes a file's data to the disk. */
export function syncPath(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Flushes a folder's entries (new and renamed files) to the disk; a no-op where folders cannot be opened (Windows). */
export function syncFolder(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on a folder; the rename is atomic all the same.
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes the temp files that writers killed between writing and renaming left in `dir`: those
 * whose process is gone (`isAlive` says). Returns their names.
 */
export function removeLeftoverTempFiles(dir: string, isAlive: (pid: number) => boolean): string[] {
  const removed: string[] = [];
  for (const name of readdirSync(dir)) {
    const match = TEMP_FILE.exec(name);
    if (match && !isAlive(Number(match[1]))) {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    }
  }
  return removed;
}

/** An open JSON-lines file that values are appended to, one line each. */
export class JsonLinesAppender {
  private fd: number | undefined;

  constructor(readonly path: string) {}

  append(value: unknown): void {
    this.appendRaw(`${JSON.stringify(value)}\n`);
  }

  appendRaw(text: string): void {
    this.fd ??= openSync(this.path, 'a');
    writeSync(this.fd, text);
  }

  /** Flushes what was appended to the disk. */
  sync(): void {
    if (this.fd !== undefined) fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
  }
}

/** What reading a JSON-lines file found besides its values. */
export interface JsonLinesProblems {
  /** Lines (from 1) that were not valid JSON, other than a cut-short last line. */
  corruptLines: number[];
  /** The last line had no newline and did not parse: the writer was stopped mid-line. */
  truncatedTail: boolean;
}

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/**
 * Reads a JSON-lines file lazily, one parsed value at a time, without holding the whole file
 * in memory (probe files can be large). A missing file yields nothing. Lines that do not
 * parse are skipped and reported in `problems`, which is complete once iteration ends.
 */
export function* iterateJsonLines(path: string, problems?: JsonLinesProblems): Generator<unknown> {
  if (!existsSync(path)) {
    return;
  }
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let pending: Buffer[] = [];
    let lineNumber = 0;
    const parse = (bytes: Buffer, isTail: boolean): { ok: true; value: unknown } | { ok: false } => {
      lineNumber++;
      const text = bytes.toString('utf8').trim();
      if (text === '') {
        return { ok: false };
      }
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        if (isTail) {
          if (problems) problems.truncatedTail = true;
        } else {
          problems?.corruptLines.push(lineNumber);
        }
        return { ok: false };
      }
    };
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) {
        break;
      }
      const chunk = buffer.subarray(0, bytesRead);
      let start = 0;
      let newline: number;
      while ((newline = chunk.indexOf(NEWLINE, start)) !== -1) {
        pending.push(Buffer.from(chunk.subarray(start, newline)));
        const line = parse(Buffer.concat(pending), false);
        pending = [];
        start = newline + 1;
        if (line.ok) {
          yield line.value;
        }
      }
      if (start < bytesRead) {
        pending.push(Buffer.from(chunk.subarray(start)));
      }
    }
    if (pending.length > 0) {
      const line = parse(Buffer.concat(pending), true);
      if (line.ok) {
        yield line.value;
      }
    }
  } finally {
    closeSync(fd);
  }
}
