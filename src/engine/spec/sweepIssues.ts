/** Checks of a spec document's `sweep`: each key names a setting, each value suits it. */
import { describePath, type SpecIssue } from './diagnostics';
import { isPlainObject, settingKeys } from './schema';
import { schemaIssues } from './schemaIssues';
import { didYouMean } from './suggest';
import { isUnderDotted, setDotted } from './sweep';

/** Settings that a sweep cannot vary, with the reason. */
const UNSWEEPABLE: Record<string, string> = {
  'data.type': 'each data type has its own settings; write one spec per data type',
};

/** The problems of one sweep value: the schema's verdict on the document with the value set. */
function sweepValueIssues(document: Record<string, unknown>, key: string, value: unknown, index: number): SpecIssue[] {
  const trial = structuredClone(document);
  delete trial.sweep;
  setDotted(trial, key, structuredClone(value));
  return schemaIssues(trial, (path) => `sweep value for ${describePath(path)}`)
    .filter((issue) => isUnderDotted(issue.path, key))
    .map((issue) => ({ ...issue, path: ['sweep', key, index, ...issue.path.slice(key.split('.').length)] }));
}

/**
 * Problems of the sweep in `document`: keys that name no setting (with a did-you-mean) and
 * values the setting does not accept (at the value). Keys inside a section listed in
 * `brokenSections` are skipped: the section's own errors come first.
 */
export function sweepIssues(document: unknown, brokenSections: ReadonlySet<string | number>): SpecIssue[] {
  if (!isPlainObject(document) || !isPlainObject(document.sweep)) return [];
  const settings = settingKeys(document).filter((key) => !(key in UNSWEEPABLE));
  const issues: SpecIssue[] = [];
  for (const [key, values] of Object.entries(document.sweep)) {
    if (brokenSections.has(key.split('.')[0])) continue;
    const keyIssue = (message: string): void => {
      issues.push({ severity: 'error', message, path: ['sweep', key], at: 'key' });
    };
    if (key in UNSWEEPABLE) {
      keyIssue(`sweep key "${key}" cannot be swept: ${UNSWEEPABLE[key]}`);
    } else if (!settings.includes(key)) {
      const hint = didYouMean(key, settings, '; settings look like "model.cell" or "training.learningRate"');
      keyIssue(`sweep key "${key}" names no setting${hint}`);
    } else if (Array.isArray(values)) {
      values.forEach((value, index) => issues.push(...sweepValueIssues(document, key, value, index)));
    }
  }
  return issues;
}
