/** The content of a run's `spec.json`, which the writer records once and readers check before use. */
import type { ExperimentSpec } from '../spec/types';
import type { SweepPoint } from './summary';

export interface StoredSpec {
  /** The spec file the run came from, as the caller gave it. */
  specPath: string;
  specChecksum: string;
  sweep?: SweepPoint;
  /** The resolved spec of this run (sweep values applied). */
  spec: ExperimentSpec;
}

export function isStoredSpec(value: unknown): value is StoredSpec {
  const fields = value as Record<string, unknown> | null;
  return typeof value === 'object' && fields !== null && typeof fields.spec === 'object' && fields.spec !== null && typeof fields.specChecksum === 'string';
}
