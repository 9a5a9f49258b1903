// Short names of services and real servers for messages ("TCP 10.0.0.1:80", "FWM 7 IPv6").
import { AF_INET6 } from './constants.js';
import { protocolName, type Destination, type ServiceKey } from './model.js';

export function hostPort(af: number, address: string, port: number): string {
  return af === AF_INET6 ? `[${address}]:${port}` : `${address}:${port}`;
}

export function describeService(key: ServiceKey): string {
  if (key.fwmark) return `FWM ${key.fwmark}${key.af === AF_INET6 ? ' IPv6' : ''}`;
  return `${protocolName(key.protocol)} ${hostPort(key.af, key.address, key.port)}`;
}

export function describeDestination(dest: Pick<Destination, 'af' | 'address' | 'port'>): string {
  return hostPort(dest.af, dest.address, dest.port);
}
