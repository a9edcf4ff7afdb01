/**
 * The architecture as a test: no import cycle anywhere in `src/` and `webview-ui/` (type-only
 * imports included), and imports only point down the layers: engine ← charts, protocol ←
 * worker, cli (which starts training workers, so reads protocol) ← extension; the webview reads only protocol, charts and the engine's pure modules.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const root = path.resolve(__dirname, '../..');

/** Every TypeScript file under the folder, as paths relative to the repository. */
function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const relative = path.posix.join(dir, name);
    if (statSync(path.join(root, relative)).isDirectory()) return sourceFiles(relative);
    return relative.endsWith('.ts') ? [relative] : [];
  });
}

/** The import specifiers of a file: `import … from`, `export … from`, `import('…')`. */
function specifiers(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  return [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm)].map((match) => match[1]);
}

/** The repository file a relative specifier names, or undefined for a package. */
function resolveImport(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.join(path.posix.dirname(from), specifier);
  const candidate = [`${base}.ts`, `${base}/index.ts`, base].find((file) => existsSync(path.join(root, file)));
  assert.ok(candidate, `${from} imports ${specifier}, which does not exist`);
  // Data files (the manifest, the schema) are no module of any layer.
  return candidate.endsWith('.json') ? undefined : candidate;
}

const files = [...sourceFiles('src'), ...sourceFiles('webview-ui')];
const graph = new Map(files.map((file) => [file, specifiers(file)]));

/** The layer of a file, named by its top folder. */
function layerOf(file: string): string {
  if (file.startsWith('webview-ui/')) return 'webview';
  if (file === 'src/protocol.ts') return 'protocol';
  return file.split('/')[1];
}

/** What each layer may import from the others (its own files always). */
const ALLOWED: Record<string, readonly string[]> = {
  engine: [],
  charts: ['engine'],
  protocol: ['engine'],
  worker: ['engine', 'protocol'],
  cli: ['engine', 'charts', 'protocol'],
  extension: ['engine', 'charts', 'protocol', 'worker'],
  webview: ['engine', 'charts', 'protocol'],
};

/** Packages a layer must not import: the editor API outside the extension, Node outside Node. */
const FORBIDDEN_PACKAGES: Record<string, RegExp> = {
  engine: /^vscode$/,
  charts: /^vscode$/,
  protocol: /^vscode$/,
  worker: /^vscode$/,
  cli: /^vscode$/,
  extension: /^$/,
  webview: /^(vscode|node:.*|fs|path|os|child_process|worker_threads)$/,
};

test('every layer imports only the layers below it, and the editor API only in the extension', () => {
  const violations: string[] = [];
  for (const [file, imports] of graph) {
    const layer = layerOf(file);
    assert.ok(ALLOWED[layer], `${file} is in no known layer (${layer})`);
    for (const specifier of imports) {
      const target = resolveImport(file, specifier);
      if (target === undefined) {
        if (specifier.startsWith('.')) continue;
        if (FORBIDDEN_PACKAGES[layer].test(specifier)) violations.push(`${file} imports ${specifier}`);
        continue;
      }
      const targetLayer = layerOf(target);
      if (targetLayer !== layer && !ALLOWED[layer].includes(targetLayer)) {
        violations.push(`${file} (${layer}) imports ${target} (${targetLayer})`);
      }
    }
  }
  assert.deepEqual(violations, []);
});

/** Strongly connected components of more than one file (Tarjan's algorithm), or a file importing itself. */
function importCycles(): string[][] {
  const edges = new Map(
    [...graph].map(([file, imports]) => [
      file,
      imports.map((specifier) => resolveImport(file, specifier)).filter((target): target is string => target !== undefined),
    ]),
  );
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const target of edges.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || (edges.get(file) ?? []).includes(file)) cycles.push(component.sort());
    }
  };
  for (const file of edges.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

test('no import cycle, type-only imports included', () => {
  assert.deepEqual(importCycles(), []);
});

test('the cycle check finds a cycle when there is one', () => {
  // The check itself: a graph with a known cycle must report it.
  const saved = new Map(graph);
  graph.clear();
  graph.set('src/engine/format.ts', ['./events']);
  graph.set('src/engine/events.ts', ['./format']);
  try {
    assert.deepEqual(importCycles(), [['src/engine/events.ts', 'src/engine/format.ts']]);
  } finally {
    graph.clear();
    for (const [file, imports] of saved) graph.set(file, imports);
  }
});
