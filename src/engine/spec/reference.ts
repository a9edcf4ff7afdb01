/**
 * The spec format's reference for people, rendered from the schema: one Markdown table per
 * section (key, type, default, bounds, meaning), so the README cannot drift from the schema.
 */
import { resolveRef, specSchema, type JsonSchema } from './schema';

type Properties = [string, JsonSchema][];

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function code(value: unknown): string {
  return `\`${JSON.stringify(value)}\``;
}

function typeOf(schema: JsonSchema): string {
  if (schema.enum !== undefined) return schema.enum.map(code).join(', ');
  const types = ([] as string[]).concat(schema.type ?? 'any');
  return types.map((type) => (type === 'array' && schema.items?.type !== undefined ? `array of ${schema.items.type}` : type)).join(' or ');
}

function boundsOf(schema: JsonSchema): string {
  const bounds: string[] = [];
  if (schema.minimum !== undefined) bounds.push(`≥ ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) bounds.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) bounds.push(`≤ ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) bounds.push(`< ${schema.exclusiveMaximum}`);
  if (schema.minLength === 1) bounds.push('non-empty');
  else if (schema.minLength !== undefined) bounds.push(`≥ ${schema.minLength} characters`);
  if (schema.maxLength !== undefined) bounds.push(`≤ ${schema.maxLength} characters`);
  if (schema.minItems !== undefined) bounds.push(`≥ ${schema.minItems} items`);
  if (schema.uniqueItems === true) bounds.push('no repeats');
  return bounds.length === 0 ? '—' : bounds.join(', ');
}

function table(title: string, description: string | undefined, properties: Properties, required: string[]): string {
  const rows = properties.map(([key, schema]) => {
    const fallback = required.includes(key) ? 'required' : schema.default === undefined ? '—' : code(schema.default);
    return `| \`${key}\` | ${cell(typeOf(schema))} | ${cell(fallback)} | ${boundsOf(schema)} | ${cell(schema.description ?? '')} |`;
  });
  return [
    `### ${title}`,
    '',
    ...(description === undefined ? [] : [cell(description), '']),
    '| Key | Type | Default | Bounds | Meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

function propertiesOf(schema: JsonSchema): Properties {
  return Object.entries(schema.properties ?? {}).map(([key, property]) => [key, resolveRef(property)]);
}

/**
 * Tables for an object schema and, below it, for its nested objects and for each `if`/`then`
 * branch. Keys that every branch declares alike are listed once, in the object's own table.
 */
function sections(path: string[], schema: JsonSchema): string[] {
  const title = path.length === 0 ? 'Top level' : `\`${path.join('.')}\``;
  const branches = (schema.allOf ?? []).filter((part) => part.if !== undefined && part.then !== undefined);
  const branchSchemas = branches.map((part) => resolveRef(part.then as JsonSchema));
  const own = propertiesOf(schema);
  const shared = propertiesOf(branchSchemas[0] ?? {}).filter(
    ([key, property]) =>
      !own.some(([ownKey]) => ownKey === key) &&
      branchSchemas.every((branch) => branch.properties?.[key] !== undefined && resolveRef(branch.properties[key]) === property),
  );
  const listed = [...own, ...shared];
  const result = [table(title, schema.description, listed, schema.required ?? [])];
  for (const [key, property] of listed) {
    if (property.properties !== undefined) result.push(...sections([...path, key], property));
  }
  branches.forEach((part, index) => {
    const condition = Object.entries(part.if?.properties ?? {})
      .map(([key, property]) => `"${key}": ${JSON.stringify(property.const)}`)
      .join(', ');
    const branch = branchSchemas[index];
    const extra = propertiesOf(branch).filter(([key]) => !listed.some(([listedKey]) => listedKey === key));
    result.push(table(`${title} with \`${condition}\``, branch.description, extra, branch.required ?? []));
  });
  return result;
}

/** The spec reference as Markdown: a `###` section with a table per part of the spec. */
export function specReferenceMarkdown(): string {
  return `${sections([], specSchema).join('\n\n')}\n`;
}
