/**
 * Reading a spec file: JSONC parsing, schema validation, sweep and data checks, all problems
 * at once with their positions; and, when there is no error, the resolved spec.
 */
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { getNodePath, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { dataIssues } from './dataIssues';
import { describePath, diagnosticAt, LineIndex, locateIssue, type SpecDiagnostic } from './diagnostics';
import { ignoredSettingIssues } from './ignoredSettings';
import { resolveSpec } from './resolve';
import { schemaIssues } from './schemaIssues';
import { expandSweep } from './sweep';
import { sweepIssues } from './sweepIssues';
import type { ExperimentSpec } from './types';

export { formatDiagnostic, type SpecDiagnostic } from './diagnostics';

export interface SpecCheck {
  /** Present only when there are no errors (warnings allowed). */
  spec?: ExperimentSpec;
  diagnostics: SpecDiagnostic[];
}

export interface SpecContext {
  /** The spec file's path; data and weights paths in the spec are relative to its folder. */
  specPath: string;
  /** The extension's bundled resources (built-in data sets). */
  resourcesDir: string;
}

/** "CommaExpected" → "syntax error: comma expected". */
function syntaxMessage(error: ParseError): string {
  const words = printParseErrorCode(error.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
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

/** Parses, validates and resolves the text of a spec file; never throws for a bad spec. */
export function checkSpecText(text: string, context: SpecContext): SpecCheck {
  const lines = new LineIndex(text);
  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { allowTrailingComma: true, disallowComments: false });
  if (root === undefined || parseErrors.length > 0) {
    return {
      diagnostics: parseErrors.map((error) =>
        diagnosticAt(lines, error, { severity: 'error', message: syntaxMessage(error), path: [], origin: 'json' }),
      ),
    };
  }

  const document: unknown = getNodeValue(root);
  const issues = schemaIssues(document);
  const semantic = sweepIssues(document, new Set(issues.map((issue) => issue.path[0])));
  const diagnostics = duplicateKeyDiagnostics(lines, root);
  let spec: ExperimentSpec | undefined;
  if (diagnostics.length === 0 && issues.length === 0 && semantic.length === 0) {
    spec = resolveSpec(document as Record<string, unknown>);
    const runs = expandSweep(spec).map((run) => run.spec);
    semantic.push(
      ...ignoredSettingIssues(spec, runs),
      ...dataIssues(spec, { specDir: dirname(context.specPath), resourcesDir: context.resourcesDir }),
    );
  }
  diagnostics.push(
    ...issues.map((issue) => locateIssue(lines, root, issue, issue.origin ?? 'json')),
    ...semantic.map((issue) => locateIssue(lines, root, issue, 'semantic')),
  );
  diagnostics.sort((a, b) => a.offset - b.offset);
  const hasErrors = diagnostics.some((d) => d.severity === 'error');
  return { spec: hasErrors ? undefined : spec, diagnostics };
}

/** Reads a spec file and checks it; an unreadable file is reported as a diagnostic. */
export function loadSpecFile(specPath: string, resourcesDir: string): SpecCheck {
  let text: string;
  try {
    text = readFileSync(specPath, 'utf8');
  } catch (error) {
    const message = `cannot read the spec file: ${error instanceof Error ? error.message : String(error)}`;
    return { diagnostics: [{ severity: 'error', origin: 'semantic', message, path: [], offset: 0, length: 0, line: 1, column: 1 }] };
  }
  // Editors hide a byte-order mark; dropping it keeps positions as the editor shows them.
  return checkSpecText(text.replace(/^\uFEFF/, ''), { specPath, resourcesDir });
}
