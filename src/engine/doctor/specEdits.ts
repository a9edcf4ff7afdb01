/**
 * Where a finding belongs in a spec's text and how its fixes change that text: minimal JSONC
 * edits (jsonc-parser's `modify`) that keep comments and layout. A setting the spec sweeps is
 * fixed in its sweep list: the run's value is replaced there, or dropped when the fixed value
 * is already listed.
 */
import { applyEdits, modify, parse, type FormattingOptions } from 'jsonc-parser';
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

function applyEdit(text: string, edit: SpecEdit, runSpec: ExperimentSpec): string {
  const swept = sweptValues(text, edit.path);
  const options = { formattingOptions: formatting(text) };
  if (swept) {
    const runValue = getDotted(runSpec, edit.path);
    const listed = swept.some((value) => isDeepStrictEqual(value, edit.value));
    const values = listed ? swept.filter((value) => !isDeepStrictEqual(value, runValue)) : swept.map((value) => (isDeepStrictEqual(value, runValue) ? edit.value : value));
    return applyEdits(text, modify(text, ['sweep', edit.path], values.length > 0 ? values : [edit.value], options));
  }
  return applyEdits(text, modify(text, edit.path.split('.'), edit.value, options));
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
