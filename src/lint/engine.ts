// Runs the rules over loaded configurations: applies inline suppressions
// (`# vipctl-lint-disable ID[,ID]` for the next line, `# vipctl-lint-disable-file ID` for the
// whole file, no ID = every rule), per-rule severity overrides, and a stable order.
import { statSync } from 'node:fs';
import type { LoadedConfig } from '../keepalived/load.js';
import { forEachVirtualServer } from '../keepalived/build.js';
import type { Checker, CheckerType, RealServer, SourceRef, VirtualServer } from '../keepalived/model.js';
import { wordId } from '../keepalived/words.js';
import type { SourceFiles } from '../keepalived/sources.js';
import { TEMPLATE_PLACEHOLDER } from '../keepalived/reader.js';
import { RULES } from './rules/index.js';
import { rememberScripts, serverScripts, type ScriptUse } from './helpers.js';
import type { Finding, Rule, RuleContext, Severity } from './types.js';

export type SeverityOverride = Severity | 'off';

export interface LintOptions {
  /** rule id -> severity (or off). */
  severities?: Record<string, SeverityOverride>;
  rules?: Rule[];
}

const SUPPRESS = /vipctl-lint-disable(-file|-next-line)?(?:\s+([A-Za-z0-9_,\s-]+))?/;

interface Suppressions {
  file: Map<string, Set<string> | 'all'>;
  /** file -> line -> rules. */
  lines: Map<string, Map<number, Set<string> | 'all'>>;
}

function parseIds(text: string | undefined): Set<string> | 'all' {
  const ids = (text ?? '').split(/[\s,]+/).filter((id) => /^[a-z0-9-]+$/.test(id));
  return ids.length === 0 ? 'all' : new Set(ids);
}

function merge(existing: Set<string> | 'all' | undefined, added: Set<string> | 'all'): Set<string> | 'all' {
  if (existing === 'all' || added === 'all') return 'all';
  return new Set([...(existing ?? []), ...added]);
}

function collectSuppressions(sources: SourceFiles): Suppressions {
  const result: Suppressions = { file: new Map(), lines: new Map() };
  for (const file of sources.files()) {
    sources.linesContaining(file, 'vipctl-lint-disable').forEach(({ line, text }) => {
      const index = line - 1;
      const comment = /[#!]\s*(vipctl-lint-disable.*)$/.exec(text);
      if (!comment) return;
      const match = SUPPRESS.exec(comment[1] ?? '');
      if (!match) return;
      const ids = parseIds(match[2]);
      if (match[1] === '-file') {
        result.file.set(file, merge(result.file.get(file), ids));
      } else {
        const perFile = result.lines.get(file) ?? new Map<number, Set<string> | 'all'>();
        // A comment alone on its line covers the next line; after a statement, its own line.
        const target = /^\s*[#!]/.test(text) ? index + 2 : index + 1;
        perFile.set(target, merge(perFile.get(target), ids));
        result.lines.set(file, perFile);
      }
    });
  }
  return result;
}

function suppressed(s: Suppressions, finding: Finding): boolean {
  const whole = s.file.get(finding.file);
  if (whole === 'all' || whole?.has(finding.rule)) return true;
  const line = s.lines.get(finding.file)?.get(finding.line);
  return line === 'all' || (line?.has(finding.rule) ?? false);
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
const CHECKER_TYPES: CheckerType[] = ['TCP_CHECK', 'HTTP_GET', 'SSL_GET', 'MISC_CHECK', 'SMTP_CHECK', 'DNS_CHECK', 'UDP_CHECK', 'PING_CHECK', 'FILE_CHECK', 'BFD_CHECK'];
/** Keywords that give virtual servers script commands (see serverScripts). */
const SERVER_SCRIPT_WORDS = ['quorum_up', 'quorum_down', 'notify_up', 'notify_down', 'misc_path'].map((keyword) => wordId(keyword));

export function lintLoaded(loaded: LoadedConfig, options: LintOptions = {}): Finding[] {
  const rules = options.rules ?? RULES;
  const suppressions = collectSuppressions(loaded.sources);
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const modes = new Map<string, number | undefined>();
  const fileMode = (file: string): number | undefined => {
    if (!modes.has(file)) {
      try {
        modes.set(file, statSync(file).mode);
      } catch {
        modes.set(file, undefined);
      }
    }
    return modes.get(file);
  };

  const contextOf = (rule: Rule, override: Severity | undefined): RuleContext => ({
    loaded,
    config: loaded.config,
    diagnostics: loaded.diagnostics,
    fileMode,
    report(at: SourceRef & { endLine?: number }, message: string, severity?: Severity): void {
      // In a file with unrendered templates, the template finding stands for its consequences:
      // nothing on a template line, and no model-level rule (a VRID written as {{ vrid }} is not
      // "missing"). Line-local syntax and value problems elsewhere are still real.
      const templateLines = loaded.templateLines.get(at.file);
      if (templateLines && rule.id !== 'unrendered-template') {
        if (templateLines.has(at.line) || message.includes(TEMPLATE_PLACEHOLDER)) return;
        if (rule.category !== 'syntax' && rule.category !== 'value') return;
      }
      const finding: Finding = {
        file: at.file,
        line: at.line,
        column: at.column,
        severity: override ?? severity ?? rule.severity,
        rule: rule.id,
        message: message.split(TEMPLATE_PLACEHOLDER).join('{{…}}'),
      };
      if (at.endLine !== undefined && at.endLine > at.line) finding.endLine = at.endLine;
      // Host-dependent rules never exceed warning unless the user asks.
      if (rule.hostDependent && !override && finding.severity === 'error') finding.severity = 'warning';
      const key = `${finding.file}:${finding.line}:${finding.column}:${finding.rule}:${finding.message}`;
      if (seen.has(key) || suppressed(suppressions, finding)) return;
      seen.add(key);
      findings.push(finding);
    },
  });

  const active: { rule: Rule; context: RuleContext }[] = [];
  for (const rule of rules) {
    const override = options.severities?.[rule.id];
    if (override === 'off') continue;
    active.push({ rule, context: contextOf(rule, override) });
  }
  // Virtual servers first, built one at a time and handed to every rule about them (and their
  // checkers to the rules about checkers); their script commands are noted on the way for the
  // script rules. Findings are sorted below, so the order in which rules report does not show.
  // This walk runs thousands of times on code V8 has not optimised yet: indexed loops, no
  // iterators or closures per server.
  type CheckerVisitor = (checker: Checker, realServer: RealServer, server: VirtualServer) => void;
  const syntax = loaded.syntax;
  const serverVisitors: ((server: VirtualServer) => void)[] = [];
  // Checker visitors by the checker type they look at (types the file does not use: none).
  const checkerVisitors = new Map<string, CheckerVisitor[]>();
  for (const { rule, context } of active) {
    if (rule.virtualServers) serverVisitors.push(rule.virtualServers(context));
    if (rule.checkers) {
      const types = (rule.checkerTypes ?? CHECKER_TYPES).filter((type) => syntax.uses([wordId(type)]));
      if (types.length === 0) continue;
      const visit = rule.checkers(context);
      for (const type of types) checkerVisitors.set(type, [...(checkerVisitors.get(type) ?? []), visit]);
    }
  }
  if (serverVisitors.length + checkerVisitors.size > 0) {
    const fromServers: ScriptUse[] = [];
    // Script commands of real servers and checkers exist only where these keywords are written.
    const serverScriptsUsed = syntax.uses(SERVER_SCRIPT_WORDS);
    forEachVirtualServer(loaded.config, (server) => {
      for (let v = 0; v < serverVisitors.length; v += 1) (serverVisitors[v] as (server: VirtualServer) => void)(server);
      if (checkerVisitors.size > 0) {
        const realServers = server.realServers;
        for (let r = 0; r < realServers.length; r += 1) {
          const realServer = realServers[r] as RealServer;
          const checkers = realServer.checkers;
          for (let c = 0; c < checkers.length; c += 1) {
            const checker = checkers[c] as Checker;
            const visitors = checkerVisitors.get(checker.type);
            if (visitors) for (let v = 0; v < visitors.length; v += 1) (visitors[v] as CheckerVisitor)(checker, realServer, server);
          }
        }
      }
      if (serverScriptsUsed) serverScripts(server, fromServers);
    });
    rememberScripts(loaded.config, fromServers);
  }
  for (const { rule, context } of active) rule.check?.(context);
  const fileOrder = new Map(loaded.config.files.map((file, index) => [file, index]));
  return findings.sort(
    (a, b) =>
      (fileOrder.get(a.file) ?? 1e9) - (fileOrder.get(b.file) ?? 1e9) ||
      a.line - b.line ||
      a.column - b.column ||
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      a.rule.localeCompare(b.rule),
  );
}

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id === id);
}
