// /proc/net/ip_vs: the kernel's own text listing of every service and real server, read
// in one pass. It lacks thresholds, tunnel details, counters and the family of mark
// services, so it only serves the plain listing (ipvsadm -L without --stats, --rate,
// --thresholds, --persistent-conn, --tun-info); there it replaces one netlink dump per
// service, whose service lookup dominates the time of large tables.
import { readFile } from 'node:fs/promises';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from './constants.js';
import { canonicalAddress } from './address.js';
import type { Destination } from './model.js';

export const IPVS_PROC_FILE = '/proc/net/ip_vs';

const FORWARD_BY_NAME: Record<string, number> = { Masq: 0, Local: 1, Tunnel: 2, Route: 3, Bypass: 4 };
const PROTOCOL_BY_NAME: Record<string, number> = { TCP: IPPROTO_TCP, UDP: IPPROTO_UDP, SCTP: IPPROTO_SCTP };

export interface ProcService {
  /** serviceId-compatible key: "proto/af/address/port", or "fwm/MARK" (the family is not shown). */
  key: string;
  destinations: Destination[];
}

function hostPort(text: string): { af: number; address: string; port: number } | undefined {
  const v6 = /^\[([0-9a-fA-F:]+)\]:([0-9A-F]{4})$/.exec(text);
  if (v6) {
    const parsed = canonicalAddress(v6[1] ?? '');
    return parsed ? { af: AF_INET6, address: parsed.address, port: parseInt(v6[2] ?? '', 16) } : undefined;
  }
  const v4 = /^([0-9A-F]{8}):([0-9A-F]{4})$/.exec(text);
  if (!v4) return undefined;
  const value = parseInt(v4[1] ?? '', 16);
  return { af: AF_INET, address: `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`, port: parseInt(v4[2] ?? '', 16) };
}

/** Parses the file; undefined when a line is not understood (the caller then uses netlink). */
export function parseProcServices(text: string): ProcService[] | undefined {
  const services: ProcService[] = [];
  let current: ProcService | undefined;
  const lines = text.split('\n');
  for (let i = 3; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    if (line.startsWith('  -> ')) {
      const fields = line.slice(5).trim().split(/\s+/);
      const where = hostPort(fields[0] ?? '');
      const forward = FORWARD_BY_NAME[fields[1] ?? ''];
      if (!current || !where || forward === undefined || fields.length < 5) return undefined;
      current.destinations.push({
        af: where.af,
        address: where.address,
        port: where.port,
        forward,
        weight: Number(fields[2]) >>> 0,
        upperThreshold: 0,
        lowerThreshold: 0,
        activeConns: Number(fields[3]) >>> 0,
        inactiveConns: Number(fields[4]) >>> 0,
        persistConns: 0,
        tunnelType: 0,
        tunnelPort: 0,
        tunnelFlags: 0,
      });
      continue;
    }
    const fields = line.trim().split(/\s+/);
    if (fields[0] === 'FWM') {
      current = { key: `fwm/${parseInt(fields[1] ?? '', 16) >>> 0}`, destinations: [] };
    } else {
      const protocol = PROTOCOL_BY_NAME[fields[0] ?? ''];
      const where = hostPort(fields[1] ?? '');
      if (protocol === undefined || !where) return undefined;
      current = { key: `${protocol}/${where.af}/${where.address}/${where.port}`, destinations: [] };
    }
    services.push(current);
  }
  return services;
}

export async function readProcServices(path = IPVS_PROC_FILE): Promise<ProcService[] | undefined> {
  try {
    return parseProcServices(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
}
