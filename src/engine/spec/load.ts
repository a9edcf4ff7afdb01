/**
 * Reading a spec file: JSONC parsing, schema validation, sweep and data checks, all problems
 * at once with their positions; and, when there is no error, the resolved spec.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { getNodePath, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { nestingProblem } from '../io/jsonNesting';
import { encodingProblem } from '../io/textEncoding';
import { DEFAULT_MEMORY_LIMIT_MB } from '../resources/memoryLimit';
import type { ResourceEstimate } from '../resources/estimate';
import { dataIssues } from './dataIssues';
import { describePath, diagnosticAt, LineIndex, locateIssue, type SpecDiagnostic, type SpecIssue } from './diagnostics';
import { ignoredSettingIssues } from './ignoredSettings';
import { modelIssues } from './modelIssues';
import { resolveSpec } from './resolve';
import { isPlainObject } from './schema';
import { schemaIssues } from './schemaIssues';
import { countSweepRuns, DEFAULT_MAX_SWEEP_RUNS, expandSweep } from './sweep';
import { sweepIssues } from './sweepIssues';
import type { ExperimentSpec } from './types';

export { formatDiagnostic, type SpecDiagnostic } from './diagnostics';

export interface SpecCheck {
  /** Present only when there are no errors (warnings allowed). */
  spec?: ExperimentSpec;
  diagnostics: SpecDiagnostic[];
  /** What the spec's largest run will hold in memory, when its data could be checked. */
  estimate?: ResourceEstimate;
}

export interface SpecContext extends SpecLimits {
  /** The spec file's path; data and weights paths in the spec are relative to its folder. */
  specPath: string;
  /** The extension's bundled resources (built-in data sets). */
  resourcesDir: string;
  /** False in an untrusted workspace: the data files the spec names are checked to exist, never read. */
  readDataFiles?: boolean;
}

/** The limits a spec is checked against. */
export interface SpecLimits {
  /** A run's memory limit: a larger estimate is an error. `DEFAULT_MEMORY_LIMIT_MB` when omitted. */
  memoryLimitMb?: number;
  /** The most runs a sweep may have. `DEFAULT_MAX_SWEEP_RUNS` when omitted. */
  maxSweepRuns?: number;
}

/** "CommaExpected" → "syntax error: comma expected". */
function syntaxMessage(error: ParseError): string {
  const words = printParseErrorCode(error.error)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return `syntax error: ${words}`;
}

/** An error at every repeated key of an object (the last one wins when the file is read). */
function duplicateKeyDiagnostics(lines: LineIndex, root: Node): SpecDiagnostic[] {
  const diagnostics: SpecDiagnostic[] = [];
  const visit = (node: Node): void => {
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const keyNode = property.children?.[0];
        if (keyNode === undefined) continue;
        const key = String(keyNode.value);
        if (seen.has(key)) {
          const path = getNodePath(node);
          const message = `duplicate key "${key}" in ${describePath(path)}`;
          diagnostics.push(diagnosticAt(lines, keyNode, { severity: 'error', message, path: [...path, key], origin: 'json' }));
        }
        seen.add(key);
      }
    }
    node.children?.forEach(visit);
  };
  visit(root);
  return diagnostics;
}

/**
 * A number too large for a double (`1e999`) reads as Infinity: an error at each. Semantic, so
 * that the editor shows it too: a JSON editor only says that the value is out of the schema's range.
 */
function infiniteNumberDiagnostics(lines: LineIndex, text: string, root: Node): SpecDiagnostic[] {
  const diagnostics: SpecDiagnostic[] = [];
  const pending: Node[] = [root];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node.type === 'number' && !Number.isFinite(node.value)) {
      const written = text.slice(node.offset, node.offset + node.length);
      const message = `${describePath(getNodePath(node))} is ${written}, a number too large to hold (the largest is about 1.8e308)`;
      diagnostics.push(diagnosticAt(lines, node, { severity: 'error', message, path: getNodePath(node), origin: 'semantic' }));
    }
    pending.push(...(node.children ?? []));
  }
  return diagnostics;
}

/** An error at the sweep when its grid holds more runs than the limit. */
function sweepSizeIssue(document: unknown, maxRuns: number): SpecIssue | undefined {
  if (!isPlainObject(document) || !isPlainObject(document.sweep)) return undefined;
  const lists = Object.values(document.sweep).filter(Array.isArray);
  const count = countSweepRuns(lists);
  if (count <= maxRuns) return undefined;
  const product = lists.map((values) => values.length).join(' × ');
  const message =
    `this sweep has ${count.toLocaleString('en-US')} runs (${product}), more than the limit of ${maxRuns.toLocaleString('en-US')} ` +
    '(rnnLab.maxSweepRuns, or --max-sweep-runs): list fewer values';
  return { severity: 'error', message, path: ['sweep'], at: 'key' };
}

/** Parses, validates and resolves the text of a spec file; never throws for a bad spec. */
export function checkSpecText(text: string, context: SpecContext): SpecCheck {
  const lines = new LineIndex(text);
  const nesting = nestingProblem(text);
  if (nesting !== undefined) {
    const message = `the spec is ${nesting.message}: a spec is a few levels deep`;
    return { diagnostics: [diagnosticAt(lines, { offset: nesting.offset, length: 1 }, { severity: 'error', message, path: [], origin: 'json' })] };
  }
  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { allowTrailingComma: true, disallowComments: false });
  if (root === undefined || parseErrors.length > 0) {
    return {
      diagnostics: parseErrors.map((error) => diagnosticAt(lines, error, { severity: 'error', message: syntaxMessage(error), path: [], origin: 'json' })),
    };
  }

  const document: unknown = getNodeValue(root);
  const infinite = infiniteNumberDiagnostics(lines, text, root);
  const infinitePaths = new Set(infinite.map((d) => JSON.stringify(d.path)));
  // The schema's word on a number too large ("must be at most …") adds nothing to the error at it.
  const issues = schemaIssues(document).filter((issue) => !infinitePaths.has(JSON.stringify(issue.path)));
  const semantic = sweepIssues(document, new Set(issues.map((issue) => issue.path[0])));
  const sweepSize = sweepSizeIssue(document, context.maxSweepRuns ?? DEFAULT_MAX_SWEEP_RUNS);
  if (sweepSize !== undefined) semantic.push(sweepSize);
  const diagnostics = [...duplicateKeyDiagnostics(lines, root), ...infinite];
  let spec: ExperimentSpec | undefined;
  let estimate: ResourceEstimate | undefined;
  if (diagnostics.length === 0 && issues.length === 0 && semantic.length === 0) {
    spec = resolveSpec(document as Record<string, unknown>);
    const runs = expandSweep(spec).map((run) => run.spec);
    const data = dataIssues(
      spec,
      { specDir: dirname(context.specPath), resourcesDir: context.resourcesDir, readDataFiles: context.readDataFiles },
      context.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB,
    );
    estimate = data.estimate;
    semantic.push(...modelIssues(spec, runs), ...ignoredSettingIssues(spec, runs), ...data.issues);
  }
  diagnostics.push(
    ...issues.map((issue) => locateIssue(lines, root, issue, issue.origin ?? 'json')),
    ...semantic.map((issue) => locateIssue(lines, root, issue, 'semantic')),
  );
  diagnostics.sort((a, b) => a.offset - b.offset);
  const hasErrors = diagnostics.some((d) => d.severity === 'error');
  return { spec: hasErrors ? undefined : spec, diagnostics, estimate };
}

/** One error at the start of the file. */
function fileProblem(message: string): SpecCheck {
  return { diagnostics: [{ severity: 'error', origin: 'semantic', message, path: [], offset: 0, length: 0, line: 1, column: 1 }] };
}

/** Reads a spec file and checks it; an unreadable file, or one that is not UTF-8, is reported as one diagnostic. */
export function loadSpecFile(specPath: string, resourcesDir: string, limits: SpecLimits = {}): SpecCheck {
  let bytes: Buffer;
  try {
    bytes = readFileSync(specPath);
  } catch (error) {
    return fileProblem(`cannot read the spec file: ${error instanceof Error ? error.message : String(error)}`);
  }
  const encoding = encodingProblem(bytes);
  if (encoding !== undefined) return fileProblem(`this file ${encoding.message}`);
  // Editors hide a byte-order mark; dropping it keeps positions as the editor shows them.
  return checkSpecText(bytes.toString('utf8').replace(/^\uFEFF/, ''), { ...limits, specPath, resourcesDir });
}
