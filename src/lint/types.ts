// What a lint rule is (data: id, default severity, description, check) and what it reports.
// Findings are plain data handed to separate formatters; the JSON field names are a contract.
import type { Diagnostic, Severity } from '../keepalived/diagnostics.js';
import type { LoadedConfig } from '../keepalived/load.js';
import type { Checker, CheckerType, KeepalivedConfig, RealServer, SourceRef, VirtualServer } from '../keepalived/model.js';

export type { Severity };

/** One problem found. {file, line, column, severity, rule, message} is the stable JSON contract. */
export interface Finding {
  file: string;
  line: number;
  column: number;
  severity: Severity;
  rule: string;
  message: string;
  /** Last line the finding covers, for block-wide problems (absent for one-line findings). */
  endLine?: number;
}

export type RuleCategory = 'syntax' | 'value' | 'vrrp' | 'lvs' | 'scripts' | 'security' | 'template';

export interface RuleContext {
  loaded: LoadedConfig;
  config: KeepalivedConfig;
  /** Reader, parser, schema and model diagnostics (rules built on them pick their own id). */
  diagnostics: Diagnostic[];
  /** Permission bits of a file read (undefined when unknown). */
  fileMode(file: string): number | undefined;
  report(at: SourceRef & { endLine?: number }, message: string, severity?: Severity): void;
}

export interface Rule {
  /** Stable id: used in findings, suppression comments, --rule flags and docs/rules/<id>.md. */
  id: string;
  severity: Severity;
  category: RuleCategory;
  /** One line: what the rule catches. */
  description: string;
  /** Host-dependent rules (keepalived's verdict depends on the machine) stay at warning or below. */
  hostDependent?: boolean;
  check?(context: RuleContext): void;
  /**
   * For rules about virtual servers: what to do with each one. The engine builds them one at a
   * time and hands each to every such rule (before any check() runs), so a file with thousands
   * of virtual servers never holds all their real servers and checkers at once.
   */
  virtualServers?(context: RuleContext): (server: VirtualServer) => void;
  /**
   * For rules about checkers: what to do with each one of the types in checkerTypes (same walk
   * as virtualServers). A file without any checker of those types is not walked for the rule.
   */
  checkers?(context: RuleContext): (checker: Checker, realServer: RealServer, server: VirtualServer) => void;
  checkerTypes?: CheckerType[];
}

/** A rule whose findings are the parser's diagnostics with the same id. */
export function diagnosticRule(rule: Omit<Rule, 'check'>): Rule {
  return {
    ...rule,
    check(context) {
      for (const d of context.diagnostics) if (d.rule === rule.id) context.report(d, d.message, d.severity);
    },
  };
}
