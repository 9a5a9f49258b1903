// Parity with `keepalived -t` (keepalived 2.2.7), run hermetically in a network namespace that
// has every interface the configurations name. For keepalived's own samples and for the broken
// variants in test/fixtures/keepalived/broken/, file by file:
//   - every problem keepalived reports with a line number, lint reports on the same line of the
//     same file (error or warning);
//   - problems keepalived reports without a line are matched to the object they name (instance,
//     virtual server, sync group) or to the one rule that covers them;
//   - a file keepalived accepts (exit 0) gets no lint error, except from the rules listed in
//     SILENT_DEFECT_RULES, whose docs say why the accepted file is a real defect.
// The table of files, keepalived's messages and what matched is printed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ConfigNode } from '../../../src/keepalived/parser.js';
import { lintFile, type LintResult } from '../../../src/lint/lint.js';
import { walk } from '../../../src/lint/helpers.js';
import { run, uniqueName } from '../../support/netns.js';
import { fixture } from '../../support/paths.js';

/**
 * Findings that cover a span (endLine): a brace or block mistake after which keepalived mis-nests
 * and reports every line up to the end of the top-level block, and block-wide problems keepalived
 * reports at the closing brace. A keepalived message inside such a span is the same problem.
 */
const SPAN_RULES = new Set(['unknown-keyword', 'misplaced-keyword', 'removed-keyword', 'unexpected-brace', 'missing-brace', 'unbalanced-braces', 'byte-order-mark', 'vrrp-script-without-script', 'script-user-missing', 'script-not-found', 'unrendered-template', 'misc-check-without-path', 'http-check-without-url', 'empty-block', 'checker-without-target', 'block-missing-required', 'vs-group-mixed-families']);

/** Rules that flag, as errors, files keepalived -t accepts; each docs page says why. */
const SILENT_DEFECT_RULES = new Set(['priority-255-not-master', 'duplicate-vip', 'duplicate-virtual-server', 'unknown-vs-group']);

const SAMPLES = '/usr/share/doc/keepalived/samples';
/** Config ids for samples with @id lines (keepalived.conf.conditional_conf names two). */
const CONFIG_IDS: Record<string, string[]> = { 'keepalived.conf.conditional_conf': ['high', 'low'] };

interface Message {
  file?: string;
  line?: number;
  text: string;
}

interface Row {
  file: string;
  configId: string;
  status: number | string | null;
  messages: Message[];
  matched: number;
  /** Of matched: inside the span of a cascading finding rather than on its line. */
  bySpan: number;
  unmatched: string[];
  lintErrors: number;
  lintWarnings: number;
  unexpectedErrors: string[];
}

const namespace = uniqueName('vkp');
const work = mkdtempSync(path.join(os.tmpdir(), 'vipctl-parity-'));
const rows: Row[] = [];

function files(): string[] {
  const samples = existsSync(SAMPLES) ? readdirSync(SAMPLES).filter((f) => f.startsWith('keepalived.conf')).sort().map((f) => path.join(SAMPLES, f)) : [];
  const broken = readdirSync(fixture('keepalived', 'broken')).filter((f) => f.endsWith('.conf')).sort().map((f) => fixture('keepalived', 'broken', f));
  return [...samples, ...broken];
}

/** Interface names a configuration uses (so keepalived does not fail on a missing one). */
function interfaceNames(tree: ConfigNode[]): Set<string> {
  const names = new Set<string>();
  for (const { node, parents } of walk(tree)) {
    const parent = parents[parents.length - 1]?.keyword;
    const words = [node.keyword, ...node.args.map((a) => a.text)];
    if ((node.keyword === 'interface' || node.keyword === 'lvs_sync_daemon_interface' || node.keyword === 'lvs_sync_daemon') && node.args[0]) names.add(node.args[0].text);
    if (node.kind === 'value' && parent === 'track_interface') names.add(node.keyword);
    for (let i = 0; i < words.length - 1; i += 1) if (words[i] === 'dev') names.add(words[i + 1] ?? '');
  }
  names.delete('');
  return new Set([...names].filter((n) => /^[A-Za-z0-9_.-]{1,15}$/.test(n)));
}

function runKeepalived(file: string, configId: string): { status: number | null; signal: string | null; messages: Message[] } {
  const runDir = mkdtempSync(path.join(work, 'run-'));
  const result = spawnSync(
    'ip',
    ['netns', 'exec', namespace, 'keepalived', '-t', '-f', file, '-e', '-i', configId, '-l', '-D',
      '-p', path.join(runDir, 'k.pid'), '-r', path.join(runDir, 'v.pid'), '-c', path.join(runDir, 'c.pid'), '-b', path.join(runDir, 'b.pid')],
    { encoding: 'utf8', timeout: 30000 },
  );
  const seen = new Set<string>();
  const messages: Message[] = [];
  for (const raw of `${result.stdout}\n${result.stderr}`.split('\n')) {
    const text = raw.trim();
    if (!text || seen.has(text)) continue;
    seen.add(text);
    const located = /^\((?:(.+?): )?Line (\d+)\) (.*)$/.exec(text);
    if (located) {
      const message: Message = { line: Number(located[2]), text: located[3] ?? '' };
      if (located[1]) message.file = path.isAbsolute(located[1]) ? located[1] : path.resolve(path.dirname(file), located[1]);
      messages.push(message);
    } else {
      messages.push({ text });
    }
  }
  return { status: result.status, signal: result.signal, messages };
}

function span(node: ConfigNode): [number, number] {
  return [node.line, node.end?.line ?? node.line];
}

/** For a message without a line: the lines it is about, or the rule that must have fired. */
function locate(message: string, lint: LintResult): { lines?: [number, number][]; rule?: string; ignore?: boolean } {
  const tree = lint.loaded.tree;
  const blocks = (keyword: string, match: (n: ConfigNode) => boolean): [number, number][] => tree.filter((n) => n.keyword === keyword && match(n)).map(span);
  if (/^Non-existent interface specified in configuration$/.test(message)) return { ignore: true };
  if (/^SECURITY VIOLATION/.test(message)) return { rule: 'script-security' };
  if (/missing '\}'s or extra '\{'s/.test(message)) return { rule: 'unbalanced-braces' };
  const pair = /^(\S+) and (\S+) both use VRID/.exec(message);
  if (pair) return { lines: blocks('vrrp_instance', (n) => n.args[0]?.text === pair[2] || n.args[0]?.text === pair[1]) };
  const instance = /^\(([^)]+)\)/.exec(message);
  if (instance) return { lines: blocks('vrrp_instance', (n) => n.args[0]?.text === instance[1]) };
  const service = /(?:Virtual server|VS|virtual server) \[([^\]]+)\]:(\w+):(\d+)/.exec(message);
  if (service) return { lines: blocks('virtual_server', (n) => n.args[0]?.text === service[1] && (n.args[1]?.text ?? '0') === service[3]) };
  const mark = /Virtual server FWM (\d+)/.exec(message);
  if (mark) return { lines: blocks('virtual_server', (n) => n.args[0]?.text === 'fwmark' && n.args[1]?.text === mark[1]) };
  const group = /[Ss]ync group (\S+?)(?:\s|$)/.exec(message);
  if (group) return { lines: blocks('vrrp_sync_group', (n) => n.args[0]?.text === group[1]) };
  const script = /vrrp_script (\S+)|track script (\S+) since/.exec(message);
  if (script) return { lines: blocks('vrrp_script', (n) => n.args[0]?.text === (script[1] ?? script[2])) };
  return {};
}

before(() => {
  // One namespace with every interface name any of the files uses (veth pairs; dummy links
  // need a kernel module this host may lack).
  const names = new Set<string>(['eth0', 'eth1']);
  for (const file of files()) for (const name of interfaceNames(lintFile(file, { configId: 'x' }).loaded.tree)) names.add(name);
  run('ip', ['netns', 'add', namespace]);
  run('ip', ['-n', namespace, 'link', 'set', 'lo', 'up']);
  const list = [...names].sort();
  for (let i = 0; i < list.length; i += 2) {
    const a = list[i] as string;
    const b = list[i + 1] ?? uniqueName('vkq');
    run('ip', ['-n', namespace, 'link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
    run('ip', ['-n', namespace, 'link', 'set', a, 'up']);
    run('ip', ['-n', namespace, 'link', 'set', b, 'up']);
  }
});

after(() => {
  spawnSync('ip', ['netns', 'del', namespace], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
  if (rows.length === 0) return;
  const lines = rows.map((r) => `${path.basename(r.file).padEnd(52)} ${r.configId.padEnd(5)} ${String(r.status).padStart(4)} ${String(r.messages.length).padStart(4)} ${String(r.matched).padStart(4)} ${String(r.bySpan).padStart(4)} ${String(r.lintErrors).padStart(4)} ${String(r.lintWarnings).padStart(4)}`);
  const totalMessages = rows.reduce((sum, r) => sum + r.messages.filter((m) => !/^Non-existent interface/.test(m.text)).length, 0);
  const totalMatched = rows.reduce((sum, r) => sum + r.matched, 0);
  process.stdout.write(
    `\nparity with keepalived -t\n${'file'.padEnd(52)} ${'id'.padEnd(5)} exit msgs mtch span lerr lwrn\n${lines.join('\n')}\n` +
      `files: ${rows.length}; keepalived messages: ${totalMessages}; matched by lint: ${totalMatched} (${rows.reduce((sum, r) => sum + r.bySpan, 0)} inside a cascade span); ` +
      `files keepalived accepts: ${rows.filter((r) => r.status === 0).length}\n`,
  );
});

describe('parity with keepalived -t', () => {
  for (const file of files()) {
    for (const configId of CONFIG_IDS[path.basename(file)] ?? ['x']) {
      it(`${path.basename(file)}${configId === 'x' ? '' : ` -i ${configId}`}`, () => {
        const keepalived = runKeepalived(file, configId);
        const lint = lintFile(file, { configId });
        const row: Row = { file, configId, status: keepalived.signal ?? keepalived.status, messages: keepalived.messages, matched: 0, bySpan: 0, unmatched: [], lintErrors: 0, lintWarnings: 0, unexpectedErrors: [] };
        rows.push(row);
        const findings = lint.findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
        row.lintErrors = findings.filter((f) => f.severity === 'error').length;
        row.lintWarnings = findings.length - row.lintErrors;
        for (const message of keepalived.messages) {
          if (message.line !== undefined) {
            const target = message.file ?? lint.file;
            const line = message.line;
            if (findings.some((f) => f.file === target && f.line === line)) row.matched += 1;
            else if (findings.some((f) => f.file === target && SPAN_RULES.has(f.rule) && f.endLine !== undefined && f.line <= line && line <= f.endLine)) {
              row.matched += 1;
              row.bySpan += 1;
            } else row.unmatched.push(`line ${message.line}: ${message.text}`);
            continue;
          }
          const where = locate(message.text, lint);
          if (where.ignore) continue;
          // An unrendered template makes the whole file meaningless to keepalived; its one
          // finding stands for whatever keepalived then says about objects it half-read.
          const templated = findings.some((f) => f.rule === 'unrendered-template' && f.file === lint.file);
          const ok =
            templated ||
            (where.rule
              ? findings.some((f) => f.rule === where.rule)
              : where.lines !== undefined && where.lines.length > 0 && findings.some((f) => f.file === lint.file && where.lines?.some(([from, to]) => f.line >= from && f.line <= to)));
          if (ok) row.matched += 1;
          else row.unmatched.push(`(no line): ${message.text}`);
        }
        if (keepalived.status === 0) {
          row.unexpectedErrors = findings.filter((f) => f.severity === 'error' && !SILENT_DEFECT_RULES.has(f.rule)).map((f) => `${f.line}: ${f.message} [${f.rule}]`);
        }
        if (keepalived.signal) {
          // keepalived 2.2.7 -t crashes on some files (SIGSEGV on HTTP_GET/SSL_GET without url):
          // lint must call such a file an error.
          assert.ok(row.lintErrors > 0, `keepalived -t died of ${keepalived.signal}; lint found no error`);
        } else {
          assert.notEqual(keepalived.status, null, 'keepalived -t did not finish');
        }
        assert.deepEqual(row.unmatched, [], `keepalived reported what lint did not (lint: ${JSON.stringify(lint.findings.map((f) => `${f.line}:${f.rule}`))})`);
        assert.deepEqual(row.unexpectedErrors, [], 'lint errors on a file keepalived accepts');
        if (file.includes(`${path.sep}broken${path.sep}`)) {
          // Every broken variant has at least one finding: that is why it exists.
          assert.ok(lint.findings.length > 0, 'a broken variant without any finding');
        }
      });
    }
  }
});
