/**
 * The Doctor strip above the panel's views: each of the shown run's findings with its message,
 * its fixes, and its evidence drawn (the gradient flow with its decay, the losses with the
 * overfitting epoch marked) behind an "Evidence" disclosure, so the strip stays a few lines tall
 * and the views below keep the panel's height. Hidden while the run has no findings.
 */
import { evidenceChart } from '../../src/charts';
import type { Finding } from '../../src/engine/doctor/types';
import { ChartView } from '../chartView';
import { h } from '../dom';
import { currentTheme } from '../theme';

const SEVERITY_MARK = { error: '⛔', warning: '⚠', info: 'ℹ' } as const;

export class DoctorStrip {
  readonly element = h('section', { class: 'doctor', 'aria-label': 'Doctor', hidden: true });
  private shownKey = '';
  /** The codes whose evidence the user opened: a live update of the findings keeps them open. */
  private readonly openEvidence = new Set<string>();

  /** Shows the findings; redraws only when they changed. */
  load(findings: readonly Finding[]): void {
    const key = JSON.stringify(findings.map((f) => [f.code, f.epoch, f.message]));
    if (key === this.shownKey) return;
    this.shownKey = key;
    this.element.hidden = findings.length === 0;
    this.element.replaceChildren(...(findings.length > 0 ? [h('h2', {}, 'Doctor')] : []), ...findings.map((finding) => this.findingElement(finding)));
  }

  private findingElement(finding: Finding): HTMLElement {
    const fixes = finding.fixes.length > 0 ? h('p', { class: 'fixes' }, `Fix: ${finding.fixes.map((fix) => fix.label).join(' · or ')}`) : undefined;
    const item = h(
      'article',
      { class: `finding ${finding.severity}`, 'data-code': finding.code },
      h(
        'p',
        { class: 'finding-title' },
        h('span', { class: 'mark', 'aria-label': finding.severity }, SEVERITY_MARK[finding.severity]),
        ' ',
        h('code', {}, finding.code),
        ' ',
        finding.message,
      ),
      fixes,
    );
    const drawn = evidenceChart(finding, { theme: currentTheme(), height: 110 });
    if (drawn) {
      const view = new ChartView(`doctor-${finding.code}`, `Evidence for ${finding.code}`);
      const evidence = h('details', { class: 'evidence', open: this.openEvidence.has(finding.code) }, h('summary', {}, 'Evidence'), view.element);
      // Drawn when first opened, at the strip's width then.
      let rendered = false;
      evidence.addEventListener('toggle', () => {
        if (!evidence.open) {
          this.openEvidence.delete(finding.code);
          return;
        }
        this.openEvidence.add(finding.code);
        if (rendered) return;
        rendered = true;
        void view.render(drawn.spec, drawn.data);
      });
      item.append(evidence);
    }
    return item;
  }
}
