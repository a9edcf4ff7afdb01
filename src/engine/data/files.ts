/**
 * Finding and reading data files: plain text, CSV tables and JSON record arrays. A file is
 * read as UTF-8; one that is not (UTF-16, binary, broken bytes) is refused with its name and
 * the byte offset.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { encodingProblem } from '../io/textEncoding';
import type { CsvData, LabeledTextData, TextData } from '../spec/types';
import { DataError, type SpecPath } from './errors';

/** The data specs that read a file. */
export type FileDataSpec = CsvData | TextData | LabeledTextData;

/** A data file: where it is, how the spec wrote it, and how to name it in descriptions. */
export interface DataFile {
  absolute: string;
  /** The path as written in the spec (or the built-in file's name), for messages. */
  written: string;
  /** A short name for dataset descriptions. */
  title: string;
  /** The spec entry that names the file. */
  specPath: SpecPath;
}

/** A user's data file, relative to the spec's folder. */
export function userDataFile(written: string, specDir: string): DataFile {
  return { absolute: resolve(specDir, written), written, title: basename(written), specPath: ['data', 'path'] };
}

/** When there is no file at `absolute`, a message naming both it and the path as written. */
export function missingFileMessage(absolute: string, written: string, what = 'Data file'): string | undefined {
  if (existsSync(absolute) && statSync(absolute).isFile()) return undefined;
  return `${what} not found: "${written}" (looked for ${absolute}).`;
}

/**
 * Text decoded from (a prefix of) the file's bytes, without a leading byte-order mark; bytes
 * that are not UTF-8 text are a `DataError` naming the file and the byte offset.
 */
export function decodeDataText(bytes: Uint8Array, file: DataFile, complete = true): string {
  const problem = encodingProblem(bytes, complete);
  if (problem !== undefined) throw new DataError(`"${file.written}" ${problem.message}.`, file.specPath);
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The file's bytes, or a `DataError` saying why there are none. */
function readDataBytes(file: DataFile): Buffer {
  const missing = missingFileMessage(file.absolute, file.written);
  if (missing) throw new DataError(missing, file.specPath);
  try {
    return readFileSync(file.absolute);
  } catch (error) {
    throw new DataError(`Cannot read "${file.written}": ${(error as Error).message}`, file.specPath);
  }
}

/** The file's UTF-8 text, without a leading byte-order mark. */
export function readDataFile(file: DataFile): string {
  return decodeDataText(readDataBytes(file), file);
}

/** One data row of a table, with where it came from for messages ("line 12", "record 3"). */
export interface TableRow {
  where: string;
  values: Record<string, unknown>;
}

/** Rows of named fields, from a CSV file with a header row or a JSON array of objects. */
export interface Table {
  /** CSV: the header; JSON: every key that occurs, in order of first appearance. */
  fields: string[];
  rows: TableRow[];
}

/** Parses a CSV file whose first row names the columns. Cells stay strings. */
export function readCsvTable(file: DataFile): Table {
  return parseCsvTable(readDataFile(file), file);
}

/** Parses CSV text (a file, or the whole lines of its first part) whose first row names the columns. */
export function parseCsvTable(text: string, file: DataFile): Table {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, each record comes with where it ended in the file (the typings do not model it).
    records = parse(text, { skip_empty_lines: true, info: true }) as unknown as typeof records;
  } catch (error) {
    throw new DataError(`"${file.written}" is not valid CSV: ${(error as Error).message}`, file.specPath);
  }
  if (records.length === 0) throw new DataError(`"${file.written}" is empty.`, file.specPath);
  const fields = records[0].record.map((name) => name.trim());
  const rows = records.slice(1).map(({ record, info }) => {
    const values: Record<string, unknown> = {};
    fields.forEach((name, column) => {
      if (!(name in values)) values[name] = record[column];
    });
    return { where: `line ${info.lines}`, values };
  });
  return { fields, rows };
}

/** Parses a JSON file holding an array of objects. */
export function readJsonTable(file: DataFile): Table {
  let data: unknown;
  try {
    data = JSON.parse(readDataFile(file)) as unknown;
  } catch (error) {
    if (error instanceof DataError) throw error;
    throw new DataError(`"${file.written}" is not valid JSON: ${(error as Error).message}`, file.specPath);
  }
  if (!Array.isArray(data)) {
    throw new DataError(`"${file.written}" must hold a JSON array of objects.`, file.specPath);
  }
  const fields = new Set<string>();
  const rows = data.map((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new DataError(`Record ${index + 1} of "${file.written}" is not an object.`, file.specPath);
    }
    for (const key of Object.keys(item)) fields.add(key);
    return { where: `record ${index + 1}`, values: item as Record<string, unknown> };
  });
  return { fields: [...fields], rows };
}

/** A `.json` file as a JSON table, anything else as CSV. */
export function readTable(file: DataFile): Table {
  return file.absolute.toLowerCase().endsWith('.json') ? readJsonTable(file) : readCsvTable(file);
}
