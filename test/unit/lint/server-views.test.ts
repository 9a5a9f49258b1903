// The linter hands the virtual-server rules read-only views made from the syntax tree
// (keepalived/servers.ts), and some rules answer from a view's tokens without making strings
// (duplicate-real-server, vs-no-real-servers, duplicate-virtual-server). Their findings must be the ones the same rules
// give over the plain model objects (config.virtualServers, built when read): generated files
// with repeated, rewritten ($NAME), templated and missing addresses and ports are linted both ways.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../../src/keepalived/load.js';
import { lintLoaded } from '../../../src/lint/engine.js';
import { seededRandom } from '../../support/random.js';

const directory = mkdtempSync(path.join(os.tmpdir(), 'vipctl-views-'));
after(() => rmSync(directory, { recursive: true, force: true }));

const ADDRESSES = ['10.0.0.1', '10.0.0.2', '10.0.0.10', '10.0.0.01', '$A', '${B}', 'fd00::1', 'fd00::0:1', '{{ rs }}', 'host', ''];
const PORTS = ['80', '080', '8080', '80.0', '', '', 'x', '65536'];

function generate(next: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const lines = ['$A=10.0.0.1', '$B=10.0.0.2', ''];
  const services = 1 + Math.floor(next() * 8);
  // Services written before, some of which come back (the same service, or the same text).
  const written: [string, string][] = [];
  for (let s = 0; s < services; s += 1) {
    const kind = next();
    let head = kind < 0.15 ? `fwmark ${1 + Math.floor(next() * 3)}` : kind < 0.25 ? 'group G' : `${pick(['192.168.0.1', '10.0.0.1', '$A', 'fd00::9', 'fd00::0:9', '{{ vip }}'])} ${pick(PORTS)}`;
    let protocol = pick(['TCP', 'TCP', 'tcp', 'UDP', 'SCTP', 'udp6']);
    if (written.length > 0 && next() < 0.5) [head, protocol] = pick(written);
    written.push([head, protocol]);
    lines.push(`virtual_server ${head} {`, `  lb_kind ${pick(['NAT', 'DR', 'TUN'])}`, `  protocol ${protocol}`);
    const servers = Math.floor(next() * 6);
    for (let r = 0; r < servers; r += 1) lines.push(`  real_server ${pick(ADDRESSES)} ${pick(PORTS)} {`, '    weight 1', '  }');
    if (next() < 0.2) lines.push('  sorry_server 10.9.9.9 80');
    lines.push('}', '');
  }
  return lines.join('\n');
}

describe('virtual-server rules over views', () => {
  it('find what they find over the built model objects', () => {
    const next = seededRandom(0x7e57);
    const compared = { 'duplicate-real-server': 0, 'vs-no-real-servers': 0, 'duplicate-virtual-server': 0 } as Record<string, number>;
    for (let i = 0; i < 300; i += 1) {
      const file = path.join(directory, `v${i}.conf`);
      writeFileSync(file, generate(next), { mode: 0o600 });
      const overViews = lintLoaded(loadConfig(file, { configId: 'lb1' }));
      const loaded = loadConfig(file, { configId: 'lb1' });
      // Reading the property builds the plain objects; the linter then walks those.
      assert.ok(Array.isArray(loaded.config.virtualServers));
      const overObjects = lintLoaded(loaded);
      assert.deepEqual(overViews, overObjects, `file ${i}`);
      for (const finding of overViews) if (compared[finding.rule] !== undefined) compared[finding.rule] = (compared[finding.rule] as number) + 1;
    }
    // The generator must reach the rules in question, or the comparison says nothing.
    for (const [rule, count] of Object.entries(compared)) assert.ok(count > 30, `only ${count} findings of ${rule} compared`);
  });
});
