/** The doctor's findings in a few words (runs view, CodeLens) and in Markdown (tooltips, hovers). */
import type { Finding } from '../../engine/doctor/types';
import { isWarning } from './runFindings';

/** `⚠ vanishing-gradients`, `⚠ 2 findings`; undefined without warnings or errors. */
export function findingsBadge(findings: readonly Finding[] | undefined): string | undefined {
  const warnings = (findings ?? []).filter(isWarning);
  if (warnings.length === 0) return undefined;
  return warnings.length === 1 ? `⚠ ${warnings[0].code}` : `⚠ ${warnings.length} findings`;
}

/** A "Doctor" paragraph listing each finding with its message; empty without findings. */
export function findingsMarkdown(findings: readonly Finding[] | undefined, escape: (text: string) => string): string {
  if (!findings || findings.length === 0) return '';
  const items = findings.map((f) => `- ${f.severity === 'info' ? 'ℹ' : '⚠'} \`${f.code}\`: ${escape(f.message)}`);
  return `**Doctor:**\n\n${items.join('\n')}\n\n`;
}
