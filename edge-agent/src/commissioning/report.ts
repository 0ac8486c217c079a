/** One check of a commissioning run. */
export interface CheckResult {
  id: 'identity' | 'points-in-range' | 'timing-table' | 'detectors' | 'phase-walk';
  title: string;
  pass: boolean;
  /** Lines a technician reads: what was found, and for a failure, why. */
  details: string[];
  startedAt: string;
  finishedAt: string;
}

export interface CommissioningReport {
  intersectionId: string;
  intersectionName: string;
  target: string;
  operator: string;
  startedAt: string;
  finishedAt: string;
  pointMapVersion: number;
  cabinet: { vendor: string; firmware: string; intersectionId: string };
  checks: CheckResult[];
  pass: boolean;
}

const escape = (text: string) => text.replace(/\|/g, '\\|');

/** The report as a page a technician can print and sign. */
export function reportMarkdown(report: CommissioningReport): string {
  const lines = [
    `# Commissioning report — ${report.intersectionName} (${report.intersectionId})`,
    '',
    `**Result: ${report.pass ? 'PASS' : 'FAIL'}**`,
    '',
    '| | |',
    '|---|---|',
    `| cabinet | ${escape(report.target)} |`,
    `| vendor / firmware | ${escape(report.cabinet.vendor)} / ${escape(report.cabinet.firmware)} |`,
    `| intersection id in the cabinet | ${escape(report.cabinet.intersectionId)} |`,
    `| point map version | ${report.pointMapVersion} |`,
    `| run by | ${escape(report.operator)} |`,
    `| started | ${report.startedAt} |`,
    `| finished | ${report.finishedAt} |`,
    '',
    '| check | result | time |',
    '|---|---|---|',
    ...report.checks.map((c) => `| ${c.title} | ${c.pass ? 'pass' : '**FAIL**'} | ${c.startedAt} |`),
    '',
  ];
  for (const c of report.checks) {
    lines.push(`## ${c.title}: ${c.pass ? 'pass' : 'FAIL'}`, '', ...c.details.map((d) => `- ${d}`), '');
  }
  lines.push('Signed: ______________________    Date: ____________', '');
  return lines.join('\n');
}
