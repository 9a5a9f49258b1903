// Host tier: the addon and netlink core against the host kernel, inside namespaces the
// tests create and always remove.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { NetlinkConnection } from '../../../src/netlink/connection.js';
import { NETLINK_GENERIC, GENL_ID_CTRL } from '../../../src/netlink/constants.js';
import { resolveFamily, listFamilies } from '../../../src/netlink/genl.js';
import { projectRoot } from '../../support/paths.js';
import { inNamespace, namespacePair, run, uniqueName, type NamespacePair } from '../../support/netns.js';

const support = (name: string): string => path.join(projectRoot, 'dist', 'test', 'support', name);

test('resolves the nlctrl family through the controller', async () => {
  const connection = NetlinkConnection.open(NETLINK_GENERIC);
  try {
    const family = await resolveFamily(connection, 'nlctrl');
    assert.equal(family.name, 'nlctrl');
    assert.equal(family.id, GENL_ID_CTRL);
    assert.ok(family.version >= 1);
    assert.ok(family.operations.includes(3), 'nlctrl implements CTRL_CMD_GETFAMILY');
    assert.ok(family.groups.has('notify'));
    // The dump of all families agrees with the single lookup.
    const all = await listFamilies(connection);
    assert.deepEqual(all.find((f) => f.name === 'nlctrl')?.id, family.id);
  } finally {
    connection.close();
  }
});

test('an unknown family is ENOENT, a name over GENL_NAMSIZ is EINVAL, errno kept', async () => {
  const connection = NetlinkConnection.open(NETLINK_GENERIC);
  try {
    await assert.rejects(resolveFamily(connection, 'nosuchfamily'), (error: NodeJS.ErrnoException) => {
      assert.equal(error.code, 'ENOENT');
      assert.equal(error.errno, -2);
      assert.equal(error.syscall, 'netlink');
      return true;
    });
    await assert.rejects(resolveFamily(connection, 'a-name-longer-than-15'), { code: 'EINVAL', errno: -22 });
  } finally {
    connection.close();
  }
});

test('a batch of requests matches each acknowledgement to its request', async () => {
  const connection = NetlinkConnection.open(NETLINK_GENERIC);
  try {
    const lookup = (name: string) => ({
      type: GENL_ID_CTRL,
      payload: Buffer.concat([Buffer.of(3, 1, 0, 0), Buffer.from([name.length + 5, 0, 2, 0]), Buffer.from(`${name}\0`), Buffer.alloc((4 - ((name.length + 1) % 4)) % 4)]),
    });
    const outcomes = await connection.batch([lookup('nlctrl'), lookup('nope-1'), lookup('nlctrl'), lookup('nope-2')], { chunkSize: 3 });
    assert.deepEqual(outcomes.map((o) => o.ok), [true, false, true, false]);
    assert.equal(outcomes[0]?.replies.length, 1);
    const failed = outcomes[1];
    assert.ok(failed && !failed.ok && failed.error.code === 'ENOENT');
  } finally {
    connection.close();
  }
});

test('dumps links and addresses over rtnetlink in a fresh namespace, as ip(8) sees them', () => {
  const ns = uniqueName('vnl');
  try {
    run('ip', ['netns', 'add', ns]);
    // The host kernel has no dummy driver; one end of a veth pair serves (both ends stay inside).
    inNamespace(ns, 'ip', ['link', 'add', 'dummy7', 'type', 'veth', 'peer', 'name', 'dummy7p']);
    inNamespace(ns, 'ip', ['link', 'set', 'dummy7', 'up']);
    inNamespace(ns, 'ip', ['link', 'set', 'lo', 'up']);
    inNamespace(ns, 'ip', ['addr', 'add', '198.51.100.7/24', 'dev', 'dummy7']);
    inNamespace(ns, 'ip', ['addr', 'add', '2001:db8::7/64', 'dev', 'dummy7', 'nodad']);
    const ours = JSON.parse(inNamespace(ns, 'node', [support('rtnl-dump.js')])) as {
      links: Array<{ index: number; name: string; mtu: number; address?: string }>;
      addresses: Array<{ address: string; prefixLength: number; ifindex: number }>;
    };
    const ipLinks = JSON.parse(inNamespace(ns, 'ip', ['-j', 'link', 'show'])) as Array<{ ifindex: number; ifname: string; mtu: number; address: string }>;
    const ipAddrs = JSON.parse(inNamespace(ns, 'ip', ['-j', 'addr', 'show'])) as Array<{ ifindex: number; addr_info: Array<{ local: string; prefixlen: number }> }>;

    assert.deepEqual(
      ours.links.map((l) => [l.index, l.name, l.mtu, l.address]).sort(),
      ipLinks.map((l) => [l.ifindex, l.ifname, l.mtu, l.address]).sort(),
    );
    const theirs = ipAddrs.flatMap((l) => l.addr_info.map((a) => `${l.ifindex} ${a.local}/${a.prefixlen}`)).sort();
    assert.deepEqual(ours.addresses.map((a) => `${a.ifindex} ${a.address}/${a.prefixLength}`).sort(), theirs);
    assert.ok(theirs.includes(`${ipLinks.find((l) => l.ifname === 'dummy7')?.ifindex} 198.51.100.7/24`));
  } finally {
    run('ip', ['netns', 'del', ns]);
  }
});

/** Starts a receiver in a namespace and resolves once it says it is ready. */
function startReceiver(ns: string, args: string[]): Promise<{ lines: Promise<string[]> }> {
  const child = spawn('ip', ['netns', 'exec', ns, 'node', support('raw-peer.js'), 'recv', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const reader = createInterface({ input: child.stdout });
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const done = new Promise<string[]>((resolveLines, rejectLines) => {
      child.on('exit', (code) => (code === 0 ? resolveLines(lines) : rejectLines(new Error(`receiver exited ${code}: ${stderr}`))));
    });
    reader.on('line', (line) => {
      if (line === 'ready') resolve({ lines: done });
      else lines.push(line);
    });
    child.on('exit', (code) => reject(new Error(`receiver exited ${code} before ready: ${stderr}`)));
  });
}

let pair: NamespacePair | undefined;
before(() => {
  pair = namespacePair({ addressA: ['192.0.2.1/24', '2001:db8:1::1/64'], addressB: ['192.0.2.2/24', '2001:db8:1::2/64'] });
});
after(() => pair?.cleanup());

for (const [family, group, unicast] of [
  ['4', '224.0.0.18', '192.0.2.2'],
  ['6', 'ff02::12', '2001:db8:1::2'],
] as const) {
  for (const destination of [group, unicast]) {
    test(`IPv${family} protocol 112 from one namespace to another (${destination}) with TTL and packet info`, async () => {
      assert.ok(pair);
      const payload = '31fe6401000101f6c0000264';
      const receiver = await startReceiver(pair.b, [family, pair.ifB, group]);
      inNamespace(pair.a, 'node', [support('raw-peer.js'), 'send', family, pair.ifA, destination, payload]);
      const [line] = await receiver.lines;
      const received = JSON.parse(line ?? '{}') as { bytes: string; ttl: number; from: { address: string }; pktinfo: { destination: string } };
      // IPv4 raw sockets deliver the IP header too; IPv6 ones deliver the payload only.
      if (family === '4') {
        assert.equal(received.bytes.slice(-payload.length), payload);
        assert.equal(received.bytes.slice(18, 20), '70', 'IP protocol 112 in the delivered header');
        assert.equal(received.from.address, '192.0.2.1');
      } else {
        assert.equal(received.bytes, payload);
        assert.match(received.from.address, /^(fe80::|2001:db8:1::1$)/);
      }
      assert.equal(received.ttl, 255);
      assert.equal(received.pktinfo.destination, destination);
    });
  }
}
