/** From a schema-valid spec document to the resolved spec the engine runs. */
import { schemaIssues } from './schemaIssues';
import { specSchema, withDefaults } from './schema';
import type { ExperimentSpec } from './types';

/**
 * The resolved spec for a document that passed the schema: every default filled in from the
 * schema (including the data branch chosen by `data.type`), and `$schema` dropped.
 */
export function resolveSpec(document: Record<string, unknown>): ExperimentSpec {
  const filled = withDefaults(specSchema, document) as Record<string, unknown>;
  delete filled.$schema;
  return filled as unknown as ExperimentSpec;
}

/** Validates a spec built in code (not read from a file) and resolves it; throws when invalid. */
export function validatedSpec(document: Record<string, unknown>, what: string): ExperimentSpec {
  const errors = schemaIssues(document).filter((issue) => issue.severity === 'error');
  if (errors.length > 0) throw new Error(`${what} is not a valid spec: ${errors.map((issue) => issue.message).join('; ')}`);
  return resolveSpec(document);
}
