// keepalived's use_vmac: each such instance gets a macvlan on its interface carrying the
// virtual MAC (00:00:5e:00:01:<VRID>, RFC 5798 section 7.3), named vrrp.<VRID> or as given.
// The VIPs go on it and adverts and gratuitous ARPs leave from it (vmac_xmit_base: adverts
// from the interface itself), so the network learns the virtual MAC, not a router's own.
// Measured on keepalived 2.2.7 (test/host/vrrp-engine/vmac.test.ts): macvlan mode private,
// IPv6 address generation none and IPv6 off on it; sysctls arp_ignore 1, accept_local 1,
// rp_filter 0, promote_secondaries 1 on the vmac, arp_ignore 1 and arp_filter 1 on the
// interface (left so at stop); a vmac of the right MAC and parent already there is reused;
// the vmac is removed at stop. The interface shows promiscuity 1 while the vmac exists: the
// kernel's doing (a second unicast MAC on a device without unicast filtering, such as veth),
// not keepalived's, so nothing sets it here (setting IFF_PROMISC too gave promiscuity 2).
// keepalived's nftables rules (for strict / no_accept) are not needed for any of this.
import { writeFileSync } from 'node:fs';
import { ExitCode, VipctlError, isSystemError } from '../errors.js';
import type { NetlinkConnection } from '../netlink/connection.js';
import type { VrrpInstance } from '../keepalived/model.js';
import type { Link } from '../rtnl/links.js';
import { createMacvlan, deleteLink, listLinkDetails, setAddrGenModeNone, setLinkUp, type LinkDetails } from '../rtnl/macvlan.js';
import { VMAC_PREFIX_IPV4, VMAC_PREFIX_IPV6 } from './constants.js';
import type { Logger } from './log.js';

export interface VmacPlan {
  instance: string;
  name: string;
  /** aa:bb:cc:dd:ee:ff, lower case. */
  mac: string;
  parent: { index: number; name: string };
  family: 4 | 6;
  /** `file:line` of the use_vmac keyword. */
  where: string;
}

/** The kernel's limit on interface names (IFNAMSIZ 16 with the NUL). */
const MAX_NAME = 15;

/** The virtual MAC of a VRID (IPv4: 00:00:5e:00:01:XX, IPv6: 00:00:5e:00:02:XX). */
export function virtualMac(vrid: number, family: 4 | 6): string {
  return [...(family === 6 ? VMAC_PREFIX_IPV6 : VMAC_PREFIX_IPV4), vrid].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/**
 * The vmac an instance asks for, given the host's links; undefined without use_vmac, or when
 * the instance cannot run anyway (no such interface, no VRID, IPv6: prepareInstance says why).
 */
export function vmacPlanOf(instance: VrrpInstance, links: Link[]): VmacPlan | undefined {
  if (!instance.useVmac) return undefined;
  const parent = links.find((l) => l.name === instance.interface);
  const vrid = instance.virtualRouterId;
  if (!parent || vrid === undefined) return undefined;
  // IPv6 instances are refused by prepareInstance (not carried out yet): nothing is made for them.
  const family = instance.family === 6 || instance.virtualIpAddresses[0]?.family === 6 ? 6 : 4;
  if (family === 6) return undefined;
  const at = instance.vmacAt ?? instance.at;
  return {
    instance: instance.name,
    name: instance.vmac?.name ?? `vrrp.${vrid}`,
    mac: (instance.vmac?.mac ?? virtualMac(vrid, family)).toLowerCase(),
    parent: { index: parent.index, name: parent.name },
    family,
    where: `${at.file}:${at.line}`,
  };
}

/** Why an existing link of the vmac's name cannot be the vmac; undefined when it can be reused. */
export function vmacClash(plan: VmacPlan, existing: LinkDetails): string | undefined {
  if (existing.kind !== 'macvlan') return `interface ${plan.name} exists and is no macvlan (${existing.kind ?? 'a device'})`;
  if (existing.parentIndex !== plan.parent.index) return `interface ${plan.name} exists on another interface than ${plan.parent.name}`;
  if (existing.address?.toLowerCase() !== plan.mac) return `interface ${plan.name} exists with MAC ${existing.address ?? 'none'}, not ${plan.mac}`;
  return undefined;
}

/** Checks that two instances do not want one vmac name with different settings. */
function checkPlans(plans: VmacPlan[]): void {
  const byName = new Map<string, VmacPlan>();
  for (const plan of plans) {
    if (plan.name.length > MAX_NAME || /[\s/:]/.test(plan.name) || plan.name === '.' || plan.name === '..') {
      throw new VipctlError(`vrrp_instance ${plan.instance}: use_vmac: '${plan.name}' cannot name an interface`, { where: plan.where, exitCode: ExitCode.Usage, hint: 'at most 15 characters, no spaces, slashes or colons' });
    }
    const other = byName.get(plan.name);
    if (other && (other.mac !== plan.mac || other.parent.index !== plan.parent.index)) {
      throw new VipctlError(`vrrp_instance ${plan.instance}: use_vmac: interface ${plan.name} is also vrrp_instance ${other.instance}'s, with other settings`, { where: plan.where, exitCode: ExitCode.Usage });
    }
    byName.set(plan.name, plan);
  }
}

interface Held {
  plan: VmacPlan;
  index: number;
}

/** The vmacs of a running engine: made or taken over when needed, removed when no longer wanted. */
export class VmacSet {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly rtnl: NetlinkConnection,
    private readonly log: Logger,
    /** Where sysctls are written (tests point it elsewhere). */
    private readonly procSys = '/proc/sys/net',
  ) {}

  names(): string[] {
    return [...this.held.keys()];
  }

  /**
   * Makes every planned vmac exist, up and set as keepalived sets it. Returns the names it
   * took on now (for a caller that must undo them). A clashing interface is an error naming
   * the use_vmac line; nothing is changed then.
   */
  async ensure(plans: VmacPlan[]): Promise<string[]> {
    checkPlans(plans);
    const wanted = plans.filter((plan, i) => !this.held.has(plan.name) && plans.findIndex((p) => p.name === plan.name) === i);
    if (wanted.length === 0) return [];
    const links = await listLinkDetails(this.rtnl);
    for (const plan of wanted) {
      const existing = links.find((l) => l.name === plan.name);
      const clash = existing && vmacClash(plan, existing);
      if (clash) {
        throw new VipctlError(`vrrp_instance ${plan.instance}: use_vmac: ${clash}`, {
          where: plan.where,
          exitCode: ExitCode.Exists,
          hint: `remove it (ip link del ${plan.name}) or name another interface: use_vmac NAME`,
        });
      }
    }
    const taken: string[] = [];
    try {
      for (const plan of wanted) {
        const existing = links.find((l) => l.name === plan.name);
        let index: number;
        if (existing) {
          index = existing.index;
          this.log.log('info', `${plan.instance}: reusing interface ${plan.name} (macvlan ${plan.mac} on ${plan.parent.name})`, { instance: plan.instance });
        } else {
          await createMacvlan(this.rtnl, { name: plan.name, parentIndex: plan.parent.index, mac: plan.mac, mode: 'private' });
          index = (await listLinkDetails(this.rtnl)).find((l) => l.name === plan.name)?.index ?? -1;
          if (index < 0) throw new VipctlError(`vrrp_instance ${plan.instance}: use_vmac: interface ${plan.name} vanished right after it was made`, { where: plan.where, exitCode: ExitCode.Failure });
          this.log.log('info', `${plan.instance}: created interface ${plan.name} (macvlan ${plan.mac} on ${plan.parent.name})`, { instance: plan.instance });
        }
        this.held.set(plan.name, { plan, index });
        taken.push(plan.name);
        await this.configure(plan, index, existing);
      }
    } catch (error) {
      for (const name of taken) await this.remove(name);
      throw error;
    }
    return taken;
  }

  /** Removes a held vmac. */
  async remove(name: string): Promise<void> {
    const held = this.held.get(name);
    if (!held) return;
    this.held.delete(name);
    try {
      await deleteLink(this.rtnl, held.index);
    } catch (error) {
      if (!isSystemError(error) || error.code !== 'ENODEV') this.log.log('error', `could not remove interface ${name}`, { error: String(error) });
    }
  }

  /** Removes every vmac not in `keep`. */
  async removeAllBut(keep: Set<string> = new Set()): Promise<void> {
    for (const name of this.names()) if (!keep.has(name)) await this.remove(name);
  }

  private async configure(plan: VmacPlan, index: number, existing: LinkDetails | undefined): Promise<void> {
    // Before the link is up, so that it never gets an IPv6 link-local address of its own.
    if (!existing) await setAddrGenModeNone(this.rtnl, index);
    this.sysctl('ipv4', plan.name, { arp_ignore: 1, accept_local: 1, rp_filter: 0, promote_secondaries: 1 });
    if (plan.family === 4) this.sysctl('ipv6', plan.name, { disable_ipv6: 1 });
    this.sysctl('ipv4', plan.parent.name, { arp_ignore: 1, arp_filter: 1 });
    await setLinkUp(this.rtnl, index);
  }

  private sysctl(family: 'ipv4' | 'ipv6', ifname: string, values: Record<string, number>): void {
    for (const [key, value] of Object.entries(values)) {
      const file = `${this.procSys}/${family}/conf/${ifname}/${key}`;
      try {
        writeFileSync(file, `${value}\n`);
      } catch (error) {
        this.log.limited(`sysctl:${file}`, 'warn', `could not set ${file} to ${value}`, { error: String(error) });
      }
    }
  }
}
