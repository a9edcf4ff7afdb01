/**
 * The experiment spec's JSON Schema (`media/rnn-spec.schema.json`, the single source of
 * truth for the file format), a compiled validator for it, and the walks over it that the
 * rest of the spec code needs: defaults, the settings a sweep may vary, reference tables.
 */
import Ajv, { type ErrorObject } from 'ajv';
import schemaJson from '../../../media/rnn-spec.schema.json';

/** The part of JSON Schema draft-07 (plus VS Code's annotations) that the spec schema uses. */
export interface JsonSchema {
  $ref?: string;
  title?: string;
  description?: string;
  markdownDescription?: string;
  /** VS Code: the message shown when `pattern` fails. */
  patternErrorMessage?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  uniqueItems?: boolean;
  items?: JsonSchema;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  allOf?: JsonSchema[];
  if?: JsonSchema;
  then?: JsonSchema;
  else?: JsonSchema;
  definitions?: Record<string, JsonSchema>;
}

export const specSchema: JsonSchema = schemaJson as JsonSchema;

/** Annotations for editors that Ajv must accept without acting on them. */
const EDITOR_ANNOTATIONS = ['markdownDescription', 'patternErrorMessage', 'defaultSnippets', 'enumDescriptions', 'allowComments', 'allowTrailingCommas'];

const ajv = new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true });
ajv.addVocabulary(EDITOR_ANNOTATIONS);
const validateSpecSchema = ajv.compile(specSchema);

/** Validates a parsed spec document against the schema; returns Ajv's raw errors (empty when valid). */
export function schemaErrors(document: unknown): ErrorObject[] {
  return validateSpecSchema(document) ? [] : [...(validateSpecSchema.errors ?? [])];
}

/** Follows local `$ref`s (`#/definitions/…`) to the schema they name. */
export function resolveRef(schema: JsonSchema): JsonSchema {
  let current = schema;
  while (current.$ref !== undefined) {
    const target = current.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce<unknown>((node, segment) => (node as Record<string, unknown> | undefined)?.[segment], specSchema);
    if (target === undefined) throw new Error(`unresolved $ref ${current.$ref} in the spec schema`);
    current = target as JsonSchema;
  }
  return current;
}

/**
 * The schemas that apply to `value`: the schema itself (refs resolved) and, recursively,
 * its `allOf` parts and the `then`/`else` branch its `if` selects for this value.
 */
function applicableSchemas(schema: JsonSchema, value: unknown): JsonSchema[] {
  const resolved = resolveRef(schema);
  const result = [resolved];
  for (const part of resolved.allOf ?? []) result.push(...applicableSchemas(part, value));
  if (resolved.if !== undefined) {
    const branch = ajv.validate(resolved.if, value) ? resolved.then : resolved.else;
    if (branch !== undefined) result.push(...applicableSchemas(branch, value));
  }
  return result;
}

/** The declared properties of every schema that applies to `value`, first declaration wins. */
function applicableProperties(schema: JsonSchema, value: unknown): Map<string, JsonSchema> {
  const properties = new Map<string, JsonSchema>();
  for (const part of applicableSchemas(schema, value)) {
    for (const [key, property] of Object.entries(part.properties ?? {})) {
      if (!properties.has(key)) properties.set(key, resolveRef(property));
    }
  }
  return properties;
}

/** A JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy of `value` with every missing property that has a schema `default` filled in,
 * recursively, following the branch chosen by the value itself (e.g. by `data.type`).
 */
export function withDefaults(schema: JsonSchema, value: unknown): unknown {
  if (!isPlainObject(value)) return value;
  const result: Record<string, unknown> = { ...value };
  for (const [key, property] of applicableProperties(schema, value)) {
    if (!(key in result) && property.default !== undefined) result[key] = structuredClone(property.default);
    if (key in result) result[key] = withDefaults(property, result[key]);
  }
  return result;
}

/** The schema of a dotted setting ("training.earlyStopping.patience") as it applies to `document`. */
export function settingSchema(document: unknown, key: string): JsonSchema | undefined {
  let schema: JsonSchema | undefined = specSchema;
  let value = document;
  for (const segment of key.split('.')) {
    schema = schema === undefined ? undefined : applicableProperties(schema, value).get(segment);
    value = isPlainObject(value) ? value[segment] : undefined;
  }
  return schema;
}

/**
 * Every dotted setting below the top level that applies to `document` (e.g. "model.cell",
 * "training.earlyStopping.patience", and the keys of the data branch its `data.type` selects).
 */
export function settingKeys(document: unknown): string[] {
  const keys: string[] = [];
  const visit = (schema: JsonSchema, value: unknown, prefix: string): void => {
    for (const [key, property] of applicableProperties(schema, value)) {
      const dotted = prefix === '' ? key : `${prefix}.${key}`;
      if (prefix !== '') keys.push(dotted);
      if (property.properties !== undefined) visit(property, isPlainObject(value) ? value[key] : undefined, dotted);
    }
  };
  visit(specSchema, document, '');
  return keys;
}
