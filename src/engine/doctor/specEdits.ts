/**
 * Where a finding belongs in a spec's text and how its fixes change that text: minimal JSONC
 * edits (jsonc-parser's `modify`) that keep comments and layout. A setting the spec sweeps is
 * fixed in its sweep list: the run's value is replaced there, or dropped when the fixed value
 * is already listed.
 */
import { applyEdits, findNodeAtLocation, modify, parse, parseTree, type Edit, type FormattingOptions, type JSONPath } from 'jsonc-parser';
import { isDeepStrictEqual } from 'node:util';
import type { JsonPath } from '../spec/diagnostics';
import { getDotted } from '../spec/sweep';
import type { ExperimentSpec } from '../spec/types';
import type { Finding, FindingFix, SpecEdit } from './types';

/** The sweep list of a dotted setting in the spec's text, when the spec sweeps it. */
function sweptValues(text: string, path: string): unknown[] | undefined {
  const sweep = (parse(text, [], { allowTrailingComma: true }) as { sweep?: Record<string, unknown> } | undefined)?.sweep;
  const values = sweep?.[path];
  return Array.isArray(values) ? values : undefined;
}

/** Where in the text the finding goes: the run's value in a sweep list, or the setting itself. */
export function findingJsonPath(text: string, finding: Pick<Finding, 'path'>, runSpec: ExperimentSpec): JsonPath {
  const swept = sweptValues(text, finding.path);
  if (swept) {
    const index = swept.findIndex((value) => isDeepStrictEqual(value, getDotted(runSpec, finding.path)));
    return index >= 0 ? ['sweep', finding.path, index] : ['sweep', finding.path];
  }
  return finding.path.split('.');
}

/**
 * Whether a finding about a run still concerns the spec as it now reads: the setting it is about
 * has the run's value (or, when swept, the sweep still lists it).
 */
export function findingStillApplies(text: string, current: ExperimentSpec, finding: Pick<Finding, 'path'>, runSpec: ExperimentSpec): boolean {
  const runValue = getDotted(runSpec, finding.path);
  const swept = sweptValues(text, finding.path);
  if (swept) {
    return swept.some((value) => isDeepStrictEqual(value, runValue));
  }
  return isDeepStrictEqual(getDotted(current, finding.path), runValue);
}

function formatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  return { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

/** JSON written compactly, spaced as people write it on one line: `{ "patience": 3, "metric": "val_loss" }`. */
function spaced(json: string): string {
  return json
    .replace(
      /("(?:[^"\\]|\\.)*")|[ \t]*([,:{}])[ \t]*/g,
      (_match, string: string | undefined, mark: string) => string ?? (mark === ',' ? ', ' : mark === ':' ? ': ' : mark === '{' ? '{ ' : ' }'),
    )
    .replace(/\{ {2}\}/g, '{}');
}

/**
 * jsonc-parser's edits for one change: laid out on lines like the file when the object it lands in spans lines,
 * kept on one line when that object is written on one.
 */
function edits(text: string, path: JSONPath, value: unknown): Edit[] {
  const root = parseTree(text, [], { allowTrailingComma: true });
  let depth = path.length - 1;
  let container = root && findNodeAtLocation(root, path.slice(0, depth));
  while (root && container === undefined && depth > 0) container = findNodeAtLocation(root, path.slice(0, --depth));
  const inline = container !== undefined && container !== root && !text.slice(container.offset, container.offset + container.length).includes('\n');
  if (!inline) return modify(text, path, value, { formattingOptions: formatting(text) });
  return modify(text, path, value, {}).map((edit) => ({ ...edit, content: spaced(edit.content) }));
}

function applyEdit(text: string, edit: SpecEdit, runSpec: ExperimentSpec): string {
  const swept = sweptValues(text, edit.path);
  if (swept) {
    const runValue = getDotted(runSpec, edit.path);
    const listed = swept.some((value) => isDeepStrictEqual(value, edit.value));
    const values = listed
      ? swept.filter((value) => !isDeepStrictEqual(value, runValue))
      : swept.map((value) => (isDeepStrictEqual(value, runValue) ? edit.value : value));
    return applyEdits(text, edits(text, ['sweep', edit.path], values.length > 0 ? values : [edit.value]));
  }
  return applyEdits(text, edits(text, edit.path.split('.'), edit.value));
}

/** The spec's text with the fix (and the edits that go with it) applied. */
export function applyFix(text: string, fix: FindingFix, runSpec: ExperimentSpec): string {
  return [fix, ...(fix.with ?? [])].reduce((current, edit) => applyEdit(current, edit, runSpec), text);
}

/** The one replacement that turns `before` into `after`: the span between their common prefix and suffix. */
export function minimalReplacement(before: string, after: string): { offset: number; length: number; text: string } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { offset: start, length: before.length - start - end, text: after.slice(start, after.length - end) };
}
