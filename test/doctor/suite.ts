/**
 * The doctor's labelled suite: specs in `test/doctor/suite/<label>/`, where the folder names
 * the one finding each must get (`healthy` for none), trained for real and judged by the doctor.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Finding } from '../../src/engine/doctor/types';
import type { TrainEvent } from '../../src/engine/events';
import { runExperiment } from '../../src/engine/runExperiment';
import { loadSpecFile } from '../../src/engine/spec/load';
import { expandSweep } from '../../src/engine/spec/sweep';

export const SUITE_DIR = resolve(__dirname, 'suite');
export const RESOURCES_DIR = resolve(__dirname, '../../media');

export interface SuiteCase {
  /** `vanishing-gradients/adding-rnn.rnn.json`. */
  name: string;
  file: string;
  /** The expected code, or `healthy`. */
  label: string;
}

export function suiteCases(): SuiteCase[] {
  return readdirSync(SUITE_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .flatMap((folder) =>
      readdirSync(join(SUITE_DIR, folder.name))
        .filter((file) => file.endsWith('.rnn.json'))
        .sort()
        .map((file) => ({ name: `${folder.name}/${file}`, file: join(SUITE_DIR, folder.name, file), label: folder.name })),
    );
}

/** Trains every run of a spec (each point of its sweep) in a temporary runs folder; the doctor's final findings per run. */
export async function diagnoseSpec(file: string): Promise<{ label: string; findings: readonly Finding[]; liveCodes: ReadonlySet<string> }[]> {
  const check = loadSpecFile(file, RESOURCES_DIR);
  if (!check.spec) {
    throw new Error(`${file}: ${check.diagnostics.map((d) => d.message).join('; ')}`);
  }
  const runsRoot = mkdtempSync(join(tmpdir(), 'rnn-lab-doctor-'));
  try {
    const runs: { label: string; findings: readonly Finding[]; liveCodes: ReadonlySet<string> }[] = [];
    for (const point of expandSweep(check.spec)) {
      // Every warning or error the run showed while it trained, beside the final list.
      const liveCodes = new Set<string>();
      const onEvent = (event: TrainEvent) => {
        if (event.type === 'finding') for (const finding of event.findings) if (finding.severity !== 'info') liveCodes.add(finding.code);
      };
      const { summary } = await runExperiment({ spec: point.spec, specPath: file, runsRoot, backend: 'auto', resourcesDir: RESOURCES_DIR, onEvent });
      runs.push({ label: point.label, findings: summary.findings ?? [], liveCodes });
    }
    return runs;
  } finally {
    rmSync(runsRoot, { recursive: true, force: true });
  }
}

/** Trains one suite case (a spec without a sweep) and returns the doctor's final findings. */
export async function diagnoseCase(file: string): Promise<readonly Finding[]> {
  const [run] = await diagnoseSpec(file);
  return run.findings;
}

/** One case's outcome: the codes expected and the warning or error codes found (info findings are advice, not verdicts). */
export interface CaseOutcome {
  name: string;
  expected: string[];
  found: string[];
}

export function caseOutcome(suiteCase: SuiteCase, findings: readonly Finding[]): CaseOutcome {
  return {
    name: suiteCase.name,
    expected: suiteCase.label === 'healthy' ? [] : [suiteCase.label],
    found: findings.filter((f) => f.severity !== 'info').map((f) => f.code),
  };
}

export interface Score {
  code: string;
  truePositives: number;
  falsePositives: number;
  falseNegatives: number;
  precision: number;
  recall: number;
}

function score(code: string, tp: number, fp: number, fn: number): Score {
  return {
    code,
    truePositives: tp,
    falsePositives: fp,
    falseNegatives: fn,
    precision: tp + fp === 0 ? 1 : tp / (tp + fp),
    recall: tp + fn === 0 ? 1 : tp / (tp + fn),
  };
}

/** Precision and recall per code and over all codes (micro-averaged), the last row being `overall`. */
export function scoreSuite(outcomes: CaseOutcome[]): Score[] {
  const codes = [...new Set(outcomes.flatMap((o) => [...o.expected, ...o.found]))].sort();
  const rows = codes.map((code) => {
    const tp = outcomes.filter((o) => o.expected.includes(code) && o.found.includes(code)).length;
    const fp = outcomes.filter((o) => !o.expected.includes(code) && o.found.includes(code)).length;
    const fn = outcomes.filter((o) => o.expected.includes(code) && !o.found.includes(code)).length;
    return score(code, tp, fp, fn);
  });
  const sum = (key: 'truePositives' | 'falsePositives' | 'falseNegatives'): number => rows.reduce((total, row) => total + row[key], 0);
  return [...rows, score('overall', sum('truePositives'), sum('falsePositives'), sum('falseNegatives'))];
}

/** The scores as the README's Markdown table. */
export function scoreTable(scores: Score[], outcomes: CaseOutcome[]): string {
  const cases = (code: string): number => outcomes.filter((o) => o.expected.includes(code)).length;
  const lines = ['| code | sick specs | found | false alarms | missed | precision | recall |', '| --- | ---: | ---: | ---: | ---: | ---: | ---: |'];
  for (const s of scores) {
    const count = s.code === 'overall' ? outcomes.filter((o) => o.expected.length > 0).length : cases(s.code);
    lines.push(
      `| ${s.code === 'overall' ? '**overall**' : `\`${s.code}\``} | ${count} | ${s.truePositives} | ${s.falsePositives} | ${s.falseNegatives} | ${s.precision.toFixed(2)} | ${s.recall.toFixed(2)} |`,
    );
  }
  return lines.join('\n');
}
