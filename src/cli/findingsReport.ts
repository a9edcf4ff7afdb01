/** The training doctor's findings as text lines for the terminal: `rnn-lab train` after each run, and `rnn-lab doctor`. */
import type { Finding } from '../engine/doctor/types';

export function formatFindings(findings: readonly Finding[]): string[] {
  if (findings.length === 0) {
    return ['Doctor: no findings.'];
  }
  const lines = [`Doctor: ${findings.length} finding${findings.length === 1 ? '' : 's'}`];
  for (const finding of findings) {
    const when = finding.epoch > 0 ? ` (epoch ${finding.epoch})` : '';
    lines.push(`  ${finding.severity} ${finding.code}${when}: ${finding.message}`);
    for (const fix of finding.fixes) {
      lines.push(`    fix: ${fix.label}`);
    }
  }
  return lines;
}
