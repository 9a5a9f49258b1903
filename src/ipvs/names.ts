// Host and service names, as ipvsadm uses them when -n is not given: addresses to host
// names through the C library's resolver (getnameinfo, which reads /etc/hosts and DNS as
// nsswitch.conf says, the same path as ipvsadm's gethostbyaddr), ports to service names
// and back through /etc/services for the service's protocol (as getservbyport does).
import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';
import { AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from './constants.js';
import type { ServiceEntry } from './model.js';
import type { NameTable } from './text.js';

interface ServicesFile {
  byPort: Map<string, string>;
  byName: Map<string, number>;
}

let servicesCache: ServicesFile | undefined;

function protoName(protocol: number): string | undefined {
  if (protocol === IPPROTO_TCP) return 'tcp';
  if (protocol === IPPROTO_UDP) return 'udp';
  if (protocol === IPPROTO_SCTP) return 'sctp';
  return undefined;
}

/** /etc/services: the first entry for a port/protocol names it; names and aliases map back. */
export function servicesFile(path = '/etc/services'): ServicesFile {
  if (servicesCache && path === '/etc/services') return servicesCache;
  const byPort = new Map<string, string>();
  const byName = new Map<string, number>();
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // No services file: every port stays numeric, as with the C library.
  }
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/#.*/, '').trim();
    if (!line) continue;
    const [name, portProto, ...aliases] = line.split(/\s+/);
    const match = /^(\d+)\/(\w+)$/.exec(portProto ?? '');
    if (!name || !match) continue;
    const port = Number(match[1]);
    const proto = match[2] ?? '';
    const key = `${port}/${proto}`;
    if (!byPort.has(key)) byPort.set(key, name);
    for (const alias of [name, ...aliases]) if (!byName.has(`${alias}/${proto}`)) byName.set(`${alias}/${proto}`, port);
  }
  const file = { byPort, byName };
  if (path === '/etc/services') servicesCache = file;
  return file;
}

export function portName(port: number, protocol: number): string | undefined {
  const proto = protoName(protocol);
  return proto ? servicesFile().byPort.get(`${port}/${proto}`) : undefined;
}

/** A service name to its port for a protocol (getservbyname). */
export function portByName(name: string, protocol: number): number | undefined {
  const proto = protoName(protocol);
  return proto ? servicesFile().byName.get(`${name}/${proto}`) : undefined;
}

/** The resolver's name for an address, or undefined when it has none. */
export async function hostName(af: number, address: string): Promise<string | undefined> {
  try {
    const { hostname } = await dns.lookupService(address, 0);
    if (!hostname || hostname === address) return undefined;
    // getnameinfo returns numeric text for addresses without a name; so does a v6 scope form.
    if (af === AF_INET6 && hostname.replace(/%.*/, '') === address) return undefined;
    return hostname;
  } catch {
    return undefined;
  }
}

/** Resolves every address of a table once (in parallel) and answers from the results. */
export async function resolveNames(entries: ServiceEntry[]): Promise<NameTable> {
  const wanted = new Map<string, { af: number; address: string }>();
  for (const { service, destinations } of entries) {
    if (!service.fwmark) wanted.set(`${service.af}/${service.address}`, { af: service.af, address: service.address });
    for (const dest of destinations) wanted.set(`${dest.af}/${dest.address}`, { af: dest.af, address: dest.address });
  }
  const names = new Map<string, string | undefined>();
  await Promise.all(
    [...wanted].map(async ([key, { af, address }]) => {
      names.set(key, await hostName(af, address));
    }),
  );
  return {
    host: (af, address) => names.get(`${af}/${address}`),
    port: (port, protocol) => portName(port, protocol),
  };
}
