// tcpdump-shaped text for a decoded VRRP packet: the fields and their spelling follow
// `tcpdump -nn -v` (vrid, prio, authtype, intvl 1s / 100cs, length, addrs, auth "..."), on one
// line. -v adds the IP header and the checksum verdict, -e the link addresses.
import { AUTH_TYPE_NAMES } from './constants.js';
import type { AuthenticationHeader, IpHeader } from './ip-packet.js';
import { describeProblem, simplePassword, type DecodedAdvertisement } from './packet.js';

export interface LinkText {
  source?: string;
  destination?: string;
  /** VRID of the virtual MAC the source is, or -1. */
  virtualMacVrid: number;
}

export interface PacketText {
  seconds: number;
  nanoseconds: number;
  ip: IpHeader;
  ah: AuthenticationHeader | undefined;
  vrrp: DecodedAdvertisement | undefined;
  /** IP-level problem codes. */
  ipProblems: readonly string[];
  link: LinkText | undefined;
}

let cachedSecond = -1;
let cachedClock = '';

/** HH:MM:SS.uuuuuu in local time, as tcpdump prints by default. */
export function clockText(seconds: number, nanoseconds: number): string {
  if (seconds !== cachedSecond) {
    const date = new Date(seconds * 1000);
    cachedSecond = seconds;
    cachedClock = `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.`;
  }
  const micro = Math.floor(nanoseconds / 1000);
  return cachedClock + (micro < 100000 ? String(micro + 1000000).slice(1) : String(micro));
}

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

const HEX8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/** tcpdump's IPv4 flag text: [none], [DF], [+] (MF), [DF+]. */
function ipFlags(flags: number): string {
  const df = (flags & 2) !== 0;
  const mf = (flags & 1) !== 0;
  if (!df && !mf) return 'none';
  return `${df ? 'DF' : ''}${mf ? '+' : ''}`;
}

function protocolName(protocol: number): string {
  return protocol === 112 ? 'VRRP' : protocol === 51 ? 'AH' : protocol === 0 ? 'Options' : 'unknown';
}

/** The -v IP header in parentheses, as tcpdump prints it. */
export function ipHeaderText(ip: IpHeader): string {
  if (ip.family === 'ipv4') {
    return `(tos 0x${ip.tos.toString(16)}, ttl ${ip.ttl}, id ${ip.id}, offset ${ip.fragmentOffset}, flags [${ipFlags(ip.flags)}], proto ${protocolName(ip.protocol)} (${ip.protocol}), length ${ip.totalLength})`;
  }
  let text = '(';
  if (ip.tos !== 0) text += `class 0x${ip.tos.toString(16)}, `;
  if (ip.flowLabel !== 0) text += `flowlabel 0x${ip.flowLabel.toString(16).padStart(5, '0')}, `;
  return `${text}hlim ${ip.ttl}, next-header ${protocolName(ip.protocol)} (${ip.protocol}) payload length: ${ip.payloadLength})`;
}

/** Non-printable password bytes are shown as \xNN so a line never carries control characters. */
export function printable(text: string): string {
  return /^[\x20-\x7e]*$/.test(text) ? text : text.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The VRRP part: "VRRPv2, Advertisement, vrid 51, prio 150, authtype simple, intvl 1s, length 20, addrs: ... auth "..."". */
export function vrrpText(decoded: DecodedAdvertisement, verbose: boolean, ttl = 255): string {
  const a = decoded.advert;
  let text = `VRRPv${a.version}, ${a.type === 1 ? 'Advertisement' : `unknown type (${a.type})`}`;
  if ((a.version !== 2 && a.version !== 3) || a.type !== 1) return text;
  // As tcpdump does, a TTL other than 255 is called out inside the VRRP text.
  if (ttl !== 255) text += `, (ttl ${ttl})`;
  text += `, vrid ${a.vrid}, prio ${a.priority}`;
  const v2 = a.version === 2 && a.family === 'ipv4';
  if (v2) text += `, authtype ${AUTH_TYPE_NAMES[a.authType] ?? String(a.authType)}, intvl ${a.interval / 100}s`;
  else text += `, intvl ${a.interval}cs`;
  text += `, length ${decoded.length}`;
  if (verbose) {
    const c = decoded.checksum;
    text += c.checked ? (c.valid ? `, cksum ok (${c.form ?? 'message'})` : `, bad cksum ${a.checksum.toString(16)}!`) : ', cksum unchecked';
  }
  text += a.count > 1 ? `, addrs(${a.count}):` : ', addrs:';
  if (a.addresses.length > 0) text += ` ${a.addresses.join(',')}`;
  if (v2 && a.authType === 1 && a.authData.length > 0) text += ` auth "${printable(simplePassword(a.authData))}"`;
  return text;
}

/** One line for one packet (without the trailing newline). */
export function packetLine(p: PacketText, verbose: boolean): string {
  let line = clockText(p.seconds, p.nanoseconds) + ' ';
  const link = p.link;
  if (link && link.source !== undefined) {
    line += link.source;
    line += link.virtualMacVrid >= 0 ? ` (vmac vrid ${link.virtualMacVrid})` : ' (not vmac)';
    if (link.destination !== undefined) line += ` > ${link.destination}`;
    line += ', ';
  }
  const ip = p.ip;
  line += ip.family === 'ipv4' ? 'IP ' : 'IP6 ';
  if (verbose) line += ipHeaderText(ip) + ' ';
  line += `${ip.source} > ${ip.destination}: `;
  if (p.ah) {
    line += `AH(spi=0x${HEX8(p.ah.spi)},seq=0x${p.ah.sequence.toString(16)}`;
    if (verbose) line += `,icv=0x${p.ah.icv.toString('hex')}`;
    line += '): ';
  }
  if (p.vrrp) line += vrrpText(p.vrrp, verbose, ip.ttl);
  const problems = problemTexts(p);
  if (problems.length > 0) line += ` [${problems.join('; ')}]`;
  return line;
}

const IP_PROBLEM_TEXT: Record<string, string> = {
  'not-ip': 'not IP',
  'ip-truncated': 'truncated IP header',
  'ip-bad-header': 'bad IP header length',
  fragment: 'IP fragment (not reassembled)',
  'not-vrrp': 'not VRRP',
  'ah-truncated': 'truncated AH',
};

export function problemTexts(p: { ip?: IpHeader; vrrp?: DecodedAdvertisement; ipProblems: readonly string[] }): string[] {
  const texts: string[] = [];
  for (const code of p.ipProblems) texts.push(IP_PROBLEM_TEXT[code] ?? code);
  if (p.vrrp) for (const code of p.vrrp.problems) texts.push(describeProblem(code, p.vrrp, p.ip?.ttl));
  return texts;
}
