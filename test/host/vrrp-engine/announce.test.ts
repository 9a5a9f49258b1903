// Host tier: takeover announcements leave one namespace and tcpdump in the other reads
// them as a gratuitous ARP and an unsolicited neighbour advertisement.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { projectRoot } from '../../support/paths.js';
import { inNamespace, namespacePair, type NamespacePair } from '../../support/netns.js';
import { runIn } from '../../support/process.js';

const script = path.join(projectRoot, 'dist', 'test', 'support', 'announce.js');
let pair: NamespacePair | undefined;
before(() => {
  pair = namespacePair({ addressA: ['192.0.2.1/24', '2001:db8:9::1/64'], addressB: ['192.0.2.2/24'] });
});
after(() => pair?.cleanup());

test('gratuitous ARP and unsolicited NA as tcpdump reads them', async () => {
  assert.ok(pair);
  const { a, b, ifA, ifB } = pair;
  inNamespace(a, 'ip', ['addr', 'add', '2001:db8:9::100/128', 'dev', ifA, 'nodad']);
  const mac = JSON.parse(inNamespace(a, 'ip', ['-j', 'link', 'show', ifA]))[0].address as string;
  const tcpdump = runIn(b, 'tcpdump', ['-i', ifB, '-l', '-nn', '-e', '-v', '-c', '2', 'arp or (icmp6 and ip6[40] == 136)']);
  await tcpdump.waitFor(/listening on/, 5000);
  const timer = setTimeout(() => void tcpdump.stop(), 5000);
  inNamespace(a, 'node', [script, ifA, mac, '192.0.2.100', '2001:db8:9::100']);
  assert.equal(await tcpdump.exited, 0, `tcpdump saw both frames: ${tcpdump.stdout()}`);
  clearTimeout(timer);
  const output = tcpdump.stdout();

  const [arp, na] = output.split('\n').filter((line) => /^\d/.test(line));
  assert.ok(arp && na, output);
  assert.match(arp, new RegExp(`^\\S+ ${mac} > ff:ff:ff:ff:ff:ff, ethertype ARP \\(0x0806\\), length 60: `));
  assert.match(arp, /Request who-has 192\.0\.2\.100 tell 192\.0\.2\.100, length 46/);
  assert.match(na, new RegExp(`^\\S+ ${mac} > 33:33:00:00:00:01, ethertype IPv6`));
  assert.match(na, /hlim 255/);
  assert.match(na, /2001:db8:9::100 > ff02::1: \[icmp6 sum ok\] ICMP6, neighbor advertisement, length 32, tgt is 2001:db8:9::100/);
  assert.match(output, /Flags \[override\]/);
  assert.match(output, new RegExp(`destination link-address option \\(2\\), length 8 \\(1\\): ${mac}`));
});
