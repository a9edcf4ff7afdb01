/**
 * Reading a bounded part of a data file, for the validator: the first `SAMPLE_BYTES` (the
 * header and a sample of rows or characters) and counts streamed through a fixed-size buffer,
 * so that a spec beside a file of any size validates in the editor with a few megabytes of
 * memory, in the time it takes to read the file once. The full check runs when a run starts, in
 * the worker.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { decodeDataText, missingFileMessage, type DataFile } from './files';
import { DataError } from './errors';

/**
 * What the validator parses of a file at most (a CSV header and a thousand rows or more, a text's
 * first 128 K characters); a smaller file is read whole. Parsing is the costly part: a megabyte
 * of CSV takes the CSV parser half a second, where counting the lines of 200 MB takes less.
 */
export const SAMPLE_BYTES = 128 * 1024;
const CHUNK_BYTES = 1024 * 1024;

/** The first part of a file: whole when `complete`, else cut after its last full line. */
export interface DataSample {
  text: string;
  complete: boolean;
  bytes: number;
}

/** The file's size, or a `DataError` saying why it cannot be read. */
export function dataFileSize(file: DataFile): number {
  const missing = missingFileMessage(file.absolute, file.written);
  if (missing) throw new DataError(missing, file.specPath);
  return statSync(file.absolute).size;
}

/** Reads the file's first `SAMPLE_BYTES` and decodes them (encoding problems named with their byte offset). */
export function readDataSample(file: DataFile): DataSample {
  const bytes = dataFileSize(file);
  const buffer = Buffer.alloc(Math.min(bytes, SAMPLE_BYTES));
  const fd = openSync(file.absolute, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, 0);
  } finally {
    closeSync(fd);
  }
  const complete = buffer.length === bytes;
  const text = decodeDataText(buffer, file, complete);
  if (complete) return { text, complete, bytes };
  // Drop the last, cut line (and with it any character cut in two).
  const lastNewline = text.lastIndexOf('\n');
  return { text: lastNewline === -1 ? text : text.slice(0, lastNewline + 1), complete, bytes };
}

/** Counts already streamed, by file, size and modification time: validation repeats while the user types. */
const counted = new Map<string, number>();
const COUNTS_KEPT = 32;

/** `count(file)`, or its earlier result while the file is unchanged. */
function cachedCount(file: DataFile, kind: string, count: () => number): number {
  const { size, mtimeMs } = statSync(file.absolute);
  const key = JSON.stringify([kind, file.absolute, size, mtimeMs]);
  let value = counted.get(key);
  if (value === undefined) {
    value = count();
    if (counted.size >= COUNTS_KEPT) counted.delete(counted.keys().next().value!);
    counted.set(key, value);
  }
  return value;
}

/** Streams the file through one buffer, handing each chunk to `visit`. */
function streamFile(file: DataFile, visit: (chunk: Buffer) => void): void {
  const buffer = Buffer.alloc(CHUNK_BYTES);
  const fd = openSync(file.absolute, 'r');
  try {
    for (let read = readSync(fd, buffer, 0, CHUNK_BYTES, null); read > 0; read = readSync(fd, buffer, 0, CHUNK_BYTES, null)) {
      visit(buffer.subarray(0, read));
    }
  } finally {
    closeSync(fd);
  }
}

/** Non-empty lines, counted as line breaks plus a last line without one (a quoted line break counts too). */
export function countLines(file: DataFile): number {
  return cachedCount(file, 'lines', () => {
    let breaks = 0;
    let last = 0x0a;
    streamFile(file, (chunk) => {
      for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) breaks += 1;
      last = chunk[chunk.length - 1];
    });
    return breaks + (last === 0x0a ? 0 : 1);
  });
}

/** UTF-8 characters (code points): every byte that does not continue a character. */
export function countCharacters(file: DataFile): number {
  return cachedCount(file, 'characters', () => {
    let characters = 0;
    streamFile(file, (chunk) => {
      for (let i = 0; i < chunk.length; i++) if ((chunk[i] & 0xc0) !== 0x80) characters += 1;
    });
    return characters;
  });
}

/** Bytes equal to `byte` in the file (JSON records: their opening braces). */
export function countByte(file: DataFile, byte: number): number {
  return cachedCount(file, `byte ${byte}`, () => {
    let count = 0;
    streamFile(file, (chunk) => {
      for (let i = chunk.indexOf(byte); i !== -1; i = chunk.indexOf(byte, i + 1)) count += 1;
    });
    return count;
  });
}
