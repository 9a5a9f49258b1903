// The connection table (ipvsadm -Lc): the kernel offers it only as /proc/net/ip_vs_conn,
// so it is read from there and printed in ipvsadm's layout.
import { readFile } from 'node:fs/promises';
import { AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP } from './constants.js';
import { canonicalAddress } from './address.js';
import { nameOf, type NameTable, NUMERIC_NAMES } from './text.js';
import { isSystemError } from '../errors.js';
import { noIpvsError } from './info.js';

export interface Connection {
  protocol: string;
  client: { af: number; address: string; port: number };
  virtual: { af: number; address: string; port: number };
  destination: { af: number; address: string; port: number };
  state: string;
  expires: number;
  peName?: string;
  peData?: string;
}

export const CONNECTION_FILE = '/proc/net/ip_vs_conn';

function hexAddress(text: string): { af: number; address: string } {
  const parsed = canonicalAddress(text);
  if (parsed) return parsed;
  const value = Number.parseInt(text, 16) >>> 0;
  return { af: AF_INET, address: [24, 16, 8, 0].map((s) => (value >>> s) & 0xff).join('.') };
}

/** Parses the proc file's lines (after its header). Unparseable lines are skipped. */
export function parseConnections(text: string): Connection[] {
  const connections: Connection[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 9) continue;
    const [protocol, from, fromPort, to, toPort, dest, destPort, state, expires, peName, peData] = fields as [
      string, string, string, string, string, string, string, string, string, string | undefined, string | undefined,
    ];
    const client = hexAddress(from);
    const virtual = hexAddress(to);
    const destination = hexAddress(dest);
    const connection: Connection = {
      protocol,
      client: { ...client, port: Number.parseInt(fromPort, 16) },
      virtual: { ...virtual, port: Number.parseInt(toPort, 16) },
      destination: { ...destination, port: Number.parseInt(destPort, 16) },
      state,
      expires: Number(expires),
    };
    if (peName !== undefined) connection.peName = peName;
    if (peData !== undefined) connection.peData = peData;
    connections.push(connection);
  }
  return connections;
}

export async function readConnections(path = CONNECTION_FILE): Promise<Connection[]> {
  try {
    return parseConnections(await readFile(path, 'utf8'));
  } catch (error) {
    // The file exists exactly when the ip_vs module is loaded.
    if (isSystemError(error) && error.code === 'ENOENT') throw noIpvsError(`${path} is missing`, error);
    throw error;
  }
}

const pad = (text: string, width: number): string => (text.length >= width ? text : text + ' '.repeat(width - text.length));

function protocolNumber(name: string): number {
  return name === 'TCP' ? IPPROTO_TCP : name === 'UDP' ? IPPROTO_UDP : name === 'SCTP' ? IPPROTO_SCTP : 0;
}

export function connectionsText(connections: Connection[], numeric: boolean, persistentConn: boolean, names: NameTable = NUMERIC_NAMES): string {
  let out = 'IPVS connection entries\n';
  out += persistentConn
    ? `pro expire ${pad('state', 11)} ${pad('source', 18)} ${pad('virtual', 18)} ${pad('destination', 18)} ${pad('pe name', 16)} pe_data\n`
    : `pro expire ${pad('state', 11)} ${pad('source', 18)} ${pad('virtual', 18)} destination\n`;
  for (const c of connections) {
    const proto = protocolNumber(c.protocol);
    const name = (e: Connection['client']): string => nameOf(names, e.af === AF_INET6 ? AF_INET6 : AF_INET, e.address, e.port, proto, numeric);
    const expire = `${String(Math.floor(c.expires / 60)).padStart(2, '0')}:${String(c.expires % 60).padStart(2, '0')}`;
    if (persistentConn && c.peData !== undefined) {
      out += `${pad(c.protocol, 3)} ${pad(expire, 6)} ${pad(c.state, 11)} ${pad(name(c.client), 18)} ${pad(name(c.virtual), 18)} ${pad(name(c.destination), 16)} ${pad(c.peName ?? '', 18)} ${c.peData}\n`;
    } else {
      out += `${pad(c.protocol, 3)} ${pad(expire, 6)} ${pad(c.state, 11)} ${pad(name(c.client), 18)} ${pad(name(c.virtual), 18)} ${name(c.destination)}\n`;
    }
  }
  return out;
}
