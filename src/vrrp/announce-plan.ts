// When each gratuitous ARP / unsolicited neighbour advert of a takeover goes out, as keepalived
// spaces them: `repeat` rounds over the VIPs, and consecutive messages of one kind on the
// interface vrrp_garp_interval (ARP) or vrrp_gna_interval (NA) apart; 0 sends them back to back.
// Pure, so the spacing is tested without a clock.
import { isIPv6 } from 'node:net';

export interface PlannedAnnouncement {
  /** Milliseconds after the start of the burst. */
  atMs: number;
  address: string;
}

export function announcementPlan(addresses: string[], options: { repeat: number; garpIntervalMs: number; gnaIntervalMs: number }): PlannedAnnouncement[] {
  const plan: PlannedAnnouncement[] = [];
  const sent = { arp: 0, na: 0 };
  for (let round = 0; round < Math.max(1, options.repeat); round++) {
    for (const address of addresses) {
      const kind = isIPv6(address) ? 'na' : 'arp';
      const interval = kind === 'na' ? options.gnaIntervalMs : options.garpIntervalMs;
      plan.push({ atMs: sent[kind] * interval, address });
      sent[kind] += 1;
    }
  }
  return plan.sort((a, b) => a.atMs - b.atMs);
}
