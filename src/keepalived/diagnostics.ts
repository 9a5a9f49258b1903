// Problems the reader, parser and validator find, with where they are. The linter turns these
// into findings of the rule named by `rule`; the reader never throws on bad input.

export type Severity = 'error' | 'warning' | 'info';

export interface Position {
  file: string;
  /** 1-based physical line. */
  line: number;
  /** 1-based column. */
  column: number;
}

export interface Diagnostic extends Position {
  /** Id of the lint rule this problem belongs to. */
  rule: string;
  message: string;
  /** Overrides the rule's default severity (e.g. a deprecated keyword is a warning). */
  severity?: Severity;
  /**
   * Last line this problem affects, when it is more than its own line: a misplaced block, or a
   * brace keepalived mis-nests, throws keepalived off until the end of the top-level block
   * (it then reports every line in between; we report the cause once).
   */
  endLine?: number;
}

export function diagnostic(at: Position, rule: string, message: string, severity?: Severity): Diagnostic {
  const d: Diagnostic = { file: at.file, line: at.line, column: at.column, rule, message };
  if (severity) d.severity = severity;
  return d;
}
