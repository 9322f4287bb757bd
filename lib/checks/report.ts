import { ErpChecks } from './erp-checks';
import { ChecksReport } from './rule';

function table(header: string[], rows: string[][]): string {
  const cells = (r: string[]) => `| ${r.map((c) => c.replace(/\|/g, '\\|').replace(/\n/g, ' ')).join(' | ')} |`;
  return [cells(header), `|${header.map(() => '---').join('|')}|`, ...rows.map(cells)].join('\n');
}

/** The report of one stack as text: a summary line, a table of findings and a table of suppressions. */
export function formatChecksReport(report: ChecksReport): string {
  const lines: string[] = [];
  const suppressedCount = report.suppressions.reduce((n, s) => n + s.suppressed.length, 0);
  lines.push(`Stack ${report.stack}: ${report.errorCount} errors, ${report.warningCount} warnings, ${suppressedCount} suppressed (${report.rulesRun.length} rules)`);
  if (report.findings.length > 0) {
    lines.push('');
    lines.push(table(['severity', 'rule', 'construct', 'address', 'finding', 'fix'],
      report.findings.map((f) => [f.severity, f.ruleId, f.path, f.address, f.message, f.fix])));
  }
  if (report.suppressions.length > 0) {
    lines.push('');
    lines.push(table(['rule', 'construct', 'reason', 'silenced'],
      report.suppressions.map((s) => [s.ruleId, s.path, s.reason, s.suppressed.length === 0 ? 'nothing (no longer needed)' : s.suppressed.map((f) => f.address).join(', ')])));
  }
  return lines.join('\n');
}

/** The rules as a markdown table (id, severity, what, fix), as the README lists them. */
export function formatChecksRules(): string {
  return table(['id', 'severity', 'what', 'fix'], ErpChecks.RULES.map((r) => [r.id, r.severity, r.description, r.fix]));
}
