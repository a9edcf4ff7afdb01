/**
 * What a user adds to a run after the fact — a name, a note, tags — kept in the run folder's
 * `annotations.json`, apart from the files the training process writes, and replaced atomically.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomically } from '../io/files';
import { RUN_FILES } from './layout';
import type { RunSummary } from './summary';

export interface RunAnnotations {
  /** A name given by the user, shown instead of the run id or sweep label. */
  name?: string;
  note?: string;
  /** Distinct, trimmed, in the order they were added. */
  tags?: string[];
}

/** The longest name, note and tag kept; longer ones are refused with a message. */
export const ANNOTATION_LIMITS = { name: 200, note: 10_000, tag: 50, tags: 50 } as const;

/** A run's annotations; none when the file is missing, unreadable or not an object. */
export function readAnnotations(runDir: string): RunAnnotations {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(join(runDir, RUN_FILES.annotations), 'utf8'));
  } catch {
    return {};
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {};
  }
  const { name, note, tags } = value as Record<string, unknown>;
  return normalizeAnnotations({
    name: typeof name === 'string' ? name : undefined,
    note: typeof note === 'string' ? note : undefined,
    tags: Array.isArray(tags) ? tags.filter((tag): tag is string => typeof tag === 'string') : undefined,
  });
}

/**
 * Replaces a run's annotations (empty strings and lists drop the field) and returns what was
 * stored. Throws an Error with a readable message for a value over the limits.
 */
export function writeAnnotations(runDir: string, annotations: RunAnnotations): RunAnnotations {
  const normalized = normalizeAnnotations(annotations);
  const problem = annotationProblem(normalized);
  if (problem) {
    throw new Error(problem);
  }
  writeJsonAtomically(join(runDir, RUN_FILES.annotations), normalized);
  return normalized;
}

/** Changes some annotations of a run, keeping the others; see `writeAnnotations`. */
export function updateAnnotations(runDir: string, change: (current: RunAnnotations) => RunAnnotations): RunAnnotations {
  return writeAnnotations(runDir, change(readAnnotations(runDir)));
}

/** Why these annotations cannot be stored, or undefined when they can. */
export function annotationProblem(annotations: RunAnnotations): string | undefined {
  const { name, note, tags = [] } = annotations;
  if (name !== undefined && name.length > ANNOTATION_LIMITS.name) return `a run name has at most ${ANNOTATION_LIMITS.name} characters`;
  if (name !== undefined && /[\r\n]/.test(name)) return 'a run name is one line';
  if (note !== undefined && note.length > ANNOTATION_LIMITS.note) return `a note has at most ${ANNOTATION_LIMITS.note} characters`;
  if (tags.length > ANNOTATION_LIMITS.tags) return `a run has at most ${ANNOTATION_LIMITS.tags} tags`;
  const bad = tags.find((tag) => tag.length > ANNOTATION_LIMITS.tag || /[\s,]/.test(tag));
  if (bad !== undefined) return `a tag is one word of at most ${ANNOTATION_LIMITS.tag} characters, without commas: "${bad}"`;
  return undefined;
}

/** Tags typed as one line: split at commas and white space. */
export function parseTags(text: string): string[] {
  return text.split(/[\s,]+/).filter((tag) => tag !== '');
}

/** The name a run is shown by: the user's name, else its sweep label, else its id. */
export function runDisplayName(summary: Pick<RunSummary, 'id' | 'sweep'>, annotations: RunAnnotations = {}): string {
  return annotations.name || summary.sweep?.label || summary.id;
}

function normalizeAnnotations({ name, note, tags }: RunAnnotations): RunAnnotations {
  const result: RunAnnotations = {};
  const trimmedName = name?.trim();
  if (trimmedName) result.name = trimmedName;
  const trimmedNote = note?.trim();
  if (trimmedNote) result.note = trimmedNote;
  const distinct = [...new Set((tags ?? []).map((tag) => tag.trim()).filter((tag) => tag !== ''))];
  if (distinct.length > 0) result.tags = distinct;
  return result;
}
