/**
 * Schema validation in words for people: each Ajv error becomes one issue with its JSON
 * path and a message such as `data.samples must be at least 10 (got 3)`.
 */
import type { ErrorObject } from 'ajv';
import { describePath, type JsonPath, type SpecIssue } from './diagnostics';
import { resolveRef, schemaErrors, type JsonSchema } from './schema';
import { didYouMean } from './suggest';

/** Names a path in messages; sweep checks name the setting a sweep value is for. */
export type PathNamer = (path: JsonPath) => string;

const TYPE_NAMES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'an object',
  array: 'a list',
  null: 'null',
};

/** A short rendering of a value for "(got …)". */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a number too large to hold';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** An Ajv instance path ("/data/columns/1") as path segments, array indices as numbers. */
function pointerToPath(pointer: string, document: unknown): JsonPath {
  const path: JsonPath = [];
  let node = document;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const key = Array.isArray(node) ? Number(segment) : segment;
    path.push(key);
    node = (node as Record<string | number, unknown> | undefined)?.[key];
  }
  return path;
}

function quoteList(values: unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

/** The issue for one Ajv error, or undefined for errors that only repeat others. */
function issueFromError(error: ErrorObject, document: unknown, nameOf: PathNamer): SpecIssue | undefined {
  const path = pointerToPath(error.instancePath, document);
  const name = nameOf(path);
  const parentSchema = (error.parentSchema ?? {}) as JsonSchema;
  const params = error.params as Record<string, unknown>;
  const got = ` (got ${describeValue(error.data)})`;
  const issue = (message: string, at: SpecIssue['at'] = 'value', where: JsonPath = path): SpecIssue => ({
    severity: 'error',
    message,
    path: where,
    at,
  });
  switch (error.keyword) {
    case 'if': // A failed `then` branch; its own errors say what is wrong.
      return undefined;
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys(parentSchema.properties ?? {});
      const hint = didYouMean(key, known, `; allowed keys: ${known.join(', ')}`);
      return { ...issue(`unknown key "${key}" in ${name}${hint}`, 'key', [...path, key]), origin: 'semantic' };
    }
    case 'required': {
      const key = String(params.missingProperty);
      const property = parentSchema.properties?.[key];
      const choices = property === undefined ? undefined : resolveRef(property).enum;
      const hint = choices === undefined ? '' : ` (one of ${quoteList(choices)})`;
      return issue(`${name} is missing the required key "${key}"${hint}`, 'value', [...path, key]);
    }
    case 'type': {
      const types = ([] as string[]).concat(params.type as string | string[]);
      return issue(`${name} must be ${types.map((type) => TYPE_NAMES[type] ?? type).join(' or ')}${got}`);
    }
    case 'enum': {
      const allowed = params.allowedValues as unknown[];
      const hint = typeof error.data === 'string' ? didYouMean(error.data, allowed.map(String)) : '';
      return issue(`${name} must be one of ${quoteList(allowed)}${got}${hint}`);
    }
    case 'minimum':
      return issue(`${name} must be at least ${params.limit}${got}`);
    case 'maximum':
      return issue(`${name} must be at most ${params.limit}${got}`);
    case 'exclusiveMinimum':
      return issue(`${name} must be greater than ${params.limit}${got}`);
    case 'exclusiveMaximum':
      return issue(`${name} must be less than ${params.limit}${got}`);
    case 'minLength':
      return issue(params.limit === 1 ? `${name} must not be empty` : `${name} must be at least ${params.limit} characters long`);
    case 'maxLength':
      return issue(`${name} must be at most ${params.limit} characters long`);
    case 'minItems':
      return issue(params.limit === 1 ? `${name} must not be empty` : `${name} must hold at least ${params.limit} items`);
    case 'uniqueItems': {
      const later = Math.max(Number(params.i), Number(params.j));
      const repeated = (error.data as unknown[])[later];
      return issue(`${name} lists ${describeValue(repeated)} more than once`, 'value', [...path, later]);
    }
    case 'pattern':
      return issue(`${name} ${parentSchema.patternErrorMessage ?? `must match the pattern ${params.pattern}`}${got}`);
    default:
      return issue(`${name} ${error.message ?? 'is not valid'}`);
  }
}

/** Every schema problem of a parsed spec document, one issue per problem. */
export function schemaIssues(document: unknown, nameOf: PathNamer = describePath): SpecIssue[] {
  const issues = new Map<string, SpecIssue>();
  for (const error of schemaErrors(document)) {
    const issue = issueFromError(error, document, nameOf);
    if (issue !== undefined) issues.set(JSON.stringify([issue.path, issue.message]), issue);
  }
  return [...issues.values()];
}
