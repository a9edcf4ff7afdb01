/**
 * Problems found in a spec file, and how they are placed in the file's text: a problem is
 * found on the parsed value (an issue, with a JSON path) and then located in the syntax tree.
 */
import { findNodeAtLocation, type Node } from 'jsonc-parser';

export type JsonPath = (string | number)[];

export interface SpecDiagnostic {
  severity: 'error' | 'warning';
  /**
   * `json`: what a JSON editor also reports from the schema (syntax, duplicate keys, schema
   * violations); `semantic`: what only RNN Lab finds (data files, columns, sweep keys, …).
   */
  origin: 'json' | 'semantic';
  message: string;
  /** JSON path segments, e.g. ['data', 'columns', 1]. */
  path: JsonPath;
  /** 0-based offset and length in the file text, and 1-based line:column of the start. */
  offset: number;
  length: number;
  line: number;
  column: number;
}

/**
 * A problem before it is placed in the text. `at: 'key'` points at the property's key
 * (unknown or duplicate keys); `at: 'value'` at its value, or, when the path does not exist
 * in the file (a missing key, a default), at the key of its closest existing parent.
 */
export interface SpecIssue {
  severity: 'error' | 'warning';
  message: string;
  path: JsonPath;
  at: 'key' | 'value';
  /**
   * Who shows it in the editor: the JSON language service (from the schema) unless `semantic`,
   * which RNN Lab publishes itself (an unknown key: the editor's schema leaves those to RNN Lab,
   * so that Problems shows it as the error Train stops at, with the "did you mean" hint).
   */
  origin?: 'semantic';
}

/** `data.columns[1]`, `sweep["model.cell"][0]`, or "the spec" for the root. */
export function describePath(path: JsonPath): string {
  if (path.length === 0) return 'the spec';
  return path
    .map((segment, index) => {
      if (typeof segment === 'number') return `[${segment}]`;
      if (/^[A-Za-z_$][\w$-]*$/.test(segment)) return index === 0 ? segment : `.${segment}`;
      return `[${JSON.stringify(segment)}]`;
    })
    .join('');
}

/** The text range an issue points at; see {@link SpecIssue}. */
function issueRange(root: Node, issue: SpecIssue): { offset: number; length: number } {
  let depth = issue.path.length;
  let node = findNodeAtLocation(root, issue.path);
  while (node === undefined && depth > 0) node = findNodeAtLocation(root, issue.path.slice(0, --depth));
  const found = node ?? root;
  const property = found.parent?.type === 'property' ? found.parent : undefined;
  const pointAtKey = issue.at === 'key' || depth < issue.path.length;
  if (pointAtKey && property?.children !== undefined) return property.children[0];
  // The root object, or an array element, standing in for a missing key: its first character.
  if (depth < issue.path.length) return { offset: found.offset, length: 1 };
  return found;
}

/** Converts offsets in one text to 1-based line and column numbers. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle] <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low] + 1 };
  }
}

/** A diagnostic at a given text range. */
export function diagnosticAt(
  lines: LineIndex,
  range: { offset: number; length: number },
  fields: Pick<SpecDiagnostic, 'severity' | 'message' | 'path' | 'origin'>,
): SpecDiagnostic {
  return { ...fields, offset: range.offset, length: range.length, ...lines.position(range.offset) };
}

/** Places an issue in the text of the file whose syntax tree is `root`. */
export function locateIssue(lines: LineIndex, root: Node, issue: SpecIssue, origin: SpecDiagnostic['origin']): SpecDiagnostic {
  const { severity, message, path } = issue;
  return diagnosticAt(lines, issueRange(root, issue), { severity, message, path, origin });
}

/** One line for a terminal: `file:line:col error: message`. */
export function formatDiagnostic(file: string, d: SpecDiagnostic): string {
  return `${file}:${d.line}:${d.column} ${d.severity}: ${d.message}`;
}
