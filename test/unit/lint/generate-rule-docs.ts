// Writes docs/rules/<id>.md (and the README index) from the rules and their examples, so the
// pages and the tests show the same bad/good pair. Run after changing a rule or an example:
//   npx tsc -p tsconfig.json && node dist/test/unit/lint/generate-rule-docs.js
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { CLUSTER_RULES } from '../../../src/lint/cluster.js';
import { RULES } from '../../../src/lint/rules/index.js';
import { projectRoot } from '../../support/paths.js';
import { RULE_EXAMPLES } from './rule-examples.js';

/** Why a rule exists, where keepalived's behaviour makes it worth a paragraph. */
const WHY: Record<string, string> = {
  "unknown-vs-group": "keepalived -t accepts this silently: the service then has no addresses and balances nothing. An error because it is always a mistake (usually a typo in the group name).",
  "priority-255-not-master": "keepalived -t accepts this silently. Priority 255 marks the address owner. keepalived 2.2.7 (measured) starts such an instance as a backup, discards every lower-priority advert, stays silent for Master_Down_Interval and then takes over and preempts the running master, nopreempt or not: the node is a MASTER in all but name, a few seconds late. A real defect, hence an error. Without a state line an owner takes over at once, like MASTER, and the rule is silent.",
  "vs-missing-protocol": "keepalived 2.2.7 creates a virtual_server without protocol as UDP (\"no protocol set - defaulting to UDP\"): a TCP service then never gets traffic. keepalived -t only warns; we make it an error because the result is almost never intended.",
  "duplicate-vip": "keepalived -t accepts this silently; at run time both instances add and delete the same address as each changes state. An error because it is always a mistake.",
  "duplicate-virtual-server": "keepalived -t accepts this silently; the second block re-programs the same IPVS service. An error because it is always a mistake.",
  "http-check-without-url": "keepalived 2.2.7 -t segfaults (exit 139) on this file; the daemon ignores the checker, so the real server is never checked.",
  "comment-in-value": "keepalived strips comments before anything else: auth_pass ab#cd becomes ab, silently. Double quotes protect # and !; single quotes do not.",
  "unrendered-template": "Reported once per file at the first template; other findings caused by template text are not reported, to avoid a cascade.",
  "script-security": "Host-dependent: keepalived -t exits 6 when scripts would run as root without enable_script_security, unless a keepalived_script user exists. A warning, never an error by default.",
  "script-user-missing": "Host-dependent: checked against this machine's /etc/passwd, so a warning at most. keepalived -t reports it at the end of a vrrp_script block (\"Unable to set default user\").",
  "plaintext-auth-readable": "The VRRP PASS password is sent in clear on the wire anyway, but a world-readable file hands it to every local user too.",
  "unknown-keyword": "When an unknown keyword opens a block, keepalived reads the block's lines in the enclosing block and its '}' closes the enclosing block early, so keepalived reports a cascade up to the end of the top-level block. vipctl skips the unknown block and reports the cause once.",
  "unexpected-brace": "keepalived ignores the '{' but not its '}', which closes the enclosing block early: a cascade of 'Unknown keyword' messages follows. vipctl skips the block and reports the cause once.",
  "vrrp-run-unsupported": "Information for users of both tools: keepalived accepts the file and does this; `vipctl vrrp run` runs the rest of the file and names this at start-up, so nothing is ignored silently.",
  "misplaced-keyword": "The message names the block where the keyword is valid. A misplaced block (vrrp_instance inside global_defs) is skipped as a whole: one finding instead of keepalived's cascade."
};

const docs = path.join(projectRoot, 'docs', 'rules');
const show = (text: string): string => text.replace(/^\ufeff/, '').replace(/(router_id a{60})a+/, '$1... (1100 characters)');
const footer = (id: string): string =>
  `Suppress on one line with \`# vipctl-lint-disable ${id}\` on the line before, for a whole file with\n\`# vipctl-lint-disable-file ${id}\`, or change its severity with \`--rule ${id}=warning\` (or \`off\`).\n`;

for (const rule of RULES) {
  const example = RULE_EXAMPLES[rule.id];
  if (!example) throw new Error(`no example for ${rule.id}`);
  const why = WHY[rule.id] ? `\n${WHY[rule.id]}\n` : '';
  writeFileSync(
    path.join(docs, `${rule.id}.md`),
    `# ${rule.id}\n\nDefault severity: **${rule.severity}** · category: ${rule.category}${rule.hostDependent ? ' · host-dependent (never above warning by default)' : ''}\n\n${rule.description}\n${why}\n## Bad\n\n\`\`\`\n${show(example.bad).trimEnd()}\n\`\`\`\n${rule.id === 'byte-order-mark' ? '\n(The file starts with the bytes EF BB BF.)\n' : ''}\n## Good\n\n\`\`\`\n${show(example.good).trimEnd()}\n\`\`\`\n\n${footer(rule.id)}`,
  );
}

const instance = (state: string, priority: number, extra = ''): string =>
  `vrrp_instance VI_1 {\n  state ${state}\n  interface eth0\n  virtual_router_id 51\n  priority ${priority}\n${extra}  virtual_ipaddress {\n    192.0.2.10/24\n  }\n}`;
const pair = (master: string, backup: string): string => `# master.conf\n${master}\n# backup.conf\n${backup}`;
const unicast = (src: string, peer: string): string => `  unicast_src_ip ${src}\n  unicast_peer {\n    ${peer}\n  }\n`;
const CLUSTER_EXAMPLES: Record<string, { bad: string; good: string }> = {
  'cluster-mismatch': { bad: pair(instance('MASTER', 150, '  advert_int 1\n'), instance('BACKUP', 100, '  advert_int 2\n')), good: pair(instance('MASTER', 150, '  advert_int 1\n'), instance('BACKUP', 100, '  advert_int 1\n')) },
  'cluster-priority': { bad: pair(instance('MASTER', 100), instance('BACKUP', 100)), good: pair(instance('MASTER', 150), instance('BACKUP', 100)) },
  'cluster-unicast': {
    bad: pair(instance('MASTER', 150, unicast('192.0.2.1', '192.0.2.2')), instance('BACKUP', 100, unicast('192.0.2.2', '192.0.2.3'))),
    good: pair(instance('MASTER', 150, unicast('192.0.2.1', '192.0.2.2')), instance('BACKUP', 100, unicast('192.0.2.2', '192.0.2.1'))),
  },
  'cluster-router-id': { bad: pair('global_defs {\n  router_id lb\n}', 'global_defs {\n  router_id lb\n}'), good: pair('global_defs {\n  router_id lb1\n}', 'global_defs {\n  router_id lb2\n}') },
};
for (const rule of CLUSTER_RULES) {
  const example = CLUSTER_EXAMPLES[rule.id];
  if (!example) throw new Error(`no example for ${rule.id}`);
  writeFileSync(
    path.join(docs, `${rule.id}.md`),
    `# ${rule.id}\n\nDefault severity: **${rule.severity}** · cluster lint only (\`vipctl config lint --cluster\`)\n\n${rule.description}\n\n## Bad\n\nmaster.conf and backup.conf:\n\n\`\`\`\n${example.bad}\n\`\`\`\n\n## Good\n\n\`\`\`\n${example.good}\n\`\`\`\n\n${footer(rule.id)}`,
  );
}

const rows = [
  ...RULES.map((r) => ({ id: r.id, severity: r.severity, category: r.hostDependent ? `${r.category} (host-dependent)` : r.category, description: r.description })),
  ...CLUSTER_RULES.map((r) => ({ id: r.id, severity: r.severity, category: 'cluster', description: r.description })),
].sort((a, b) => a.id.localeCompare(b.id));
writeFileSync(
  path.join(docs, 'README.md'),
  `# vipctl config lint rules\n\nEvery rule has a stable id (used in findings, \`--rule ID=SEVERITY\` and suppression comments), a default\nseverity and a page with a bad and a good example. Rules marked host-dependent look at this machine\n(users, script files) and never exceed warning by default. Cluster rules run with \`--cluster\`.\n\n| Rule | Severity | Category | What it catches |\n|------|----------|----------|-----------------|\n${rows.map((r) => `| [${r.id}](${r.id}.md) | ${r.severity} | ${r.category} | ${r.description.replace(/\|/g, '\\|')} |`).join('\n')}\n`,
);
