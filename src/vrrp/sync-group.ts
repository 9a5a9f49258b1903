// vrrp_sync_group: instances that must move together (keepalived.conf(5): "transition of one
// instance will be reflected to other group members"), e.g. the outside and inside VIPs of a
// router, so that one node never holds half of them. The rules the engine applies:
// - FAULT: a member failing its own tracking holds every other member in FAULT too (as a named
//   fault "sync group G: VI_x", so they recover when it does);
// - MASTER: members whose master went quiet only *want* to take over; the group goes MASTER
//   when every member wants it, or at once when one member becomes master anyway (the address
//   owner at start-up);
// - BACKUP: a member leaving MASTER for BACKUP (a higher priority appeared) takes the others
//   with it.
// The group's own state, for its notify scripts: FAULT if any member is, MASTER if all are,
// BACKUP otherwise.
import type { VrrpState } from './state-machine.js';

const PREFIX = 'sync group ';

export function groupFaultName(group: string, member: string): string {
  return `${PREFIX}${group}: ${member} in FAULT`;
}

export function isGroupFault(name: string): boolean {
  return name.startsWith(PREFIX);
}

/** A member's faults from its own tracking (not those the group put on it). */
export function ownFaults(faults: string[]): string[] {
  return faults.filter((name) => !isGroupFault(name));
}

export function groupState(states: VrrpState[]): VrrpState {
  if (states.length === 0 || states.every((s) => s === 'init')) return 'init';
  if (states.includes('fault')) return 'fault';
  if (states.every((s) => s === 'master')) return 'master';
  return 'backup';
}

export interface MemberView {
  name: string;
  state: VrrpState;
  wantMaster: boolean;
  faults: string[];
}

/** Whether the group should go MASTER now: every member is master or wants to be. */
export function groupMayTakeOver(members: MemberView[]): boolean {
  return members.length > 0 && members.every((m) => m.state === 'master' || (m.state === 'backup' && m.wantMaster));
}

/** The group faults each member should carry: one per other member failing its own tracking. */
export function groupFaultsFor(group: string, members: MemberView[]): Map<string, string[]> {
  const failing = members.filter((m) => ownFaults(m.faults).length > 0).map((m) => m.name);
  const result = new Map<string, string[]>();
  for (const member of members) {
    result.set(
      member.name,
      failing.filter((name) => name !== member.name).map((name) => groupFaultName(group, name)),
    );
  }
  return result;
}
