/**
 * A guard against JSON nested so deep that a recursive parser or walker runs out of stack: the
 * text is scanned once, without recursion, for the first bracket past a depth limit, so that the
 * error can name its line and column instead of "Maximum call stack size exceeded".
 */

/** Far more than any spec or weights file needs (a spec is 3 levels deep, a weights file 4). */
export const MAX_JSON_DEPTH = 64;

/** 1-based line and column of an offset in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The offset of the first `[` or `{` that opens level `maxDepth + 1`, skipping strings and
 * (JSONC) comments; undefined when the text stays within the limit.
 */
export function excessiveNestingOffset(text: string, maxDepth = MAX_JSON_DEPTH): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (char === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (char === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > maxDepth) return i;
    } else if (char === ']' || char === '}') {
      depth -= 1;
    }
  }
  return undefined;
}

/** "nested deeper than 64 levels at line 3, column 70", or undefined. */
export function nestingProblem(text: string, maxDepth = MAX_JSON_DEPTH): { offset: number; message: string } | undefined {
  const offset = excessiveNestingOffset(text, maxDepth);
  if (offset === undefined) return undefined;
  const { line, column } = lineColumn(text, offset);
  return { offset, message: `nested deeper than ${maxDepth} levels at line ${line}, column ${column}` };
}
