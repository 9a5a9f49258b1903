// The typed model of a keepalived configuration: what `vrrp run`, the IPVS apply and the linter
// consume. Defaults are applied as keepalived 2.2.7 applies them, and every object keeps where
// it was written (`at`) so consumers can point at the source. `*Set` flags say whether a value
// was written or defaulted, because some defaults (protocol UDP!) are traps worth reporting.

export interface SourceRef {
  file: string;
  line: number;
  column: number;
  /** For blocks: the line of the closing brace. */
  endLine?: number;
}

export type AddressFamily = 4 | 6;

/** A command keepalived runs: notify scripts, vrrp_script, MISC_CHECK misc_path, quorum_up. */
export interface ScriptCommand {
  /** The command as written (after keepalived's quoting rules). */
  command: string;
  /** The words keepalived execs (it runs no shell). */
  argv: string[];
  user?: string;
  group?: string;
  at: SourceRef;
  /** Where the user was given, when on its own line (vrrp_script / MISC_CHECK `user`). */
  userAt?: SourceRef;
}

export interface IpAddressEntry {
  address: string;
  /** Prefix length (32 or 128 when not written). */
  prefix: number;
  family: AddressFamily;
  device?: string;
  label?: string;
  scope?: string;
  /** The rest of the line (brd, peer, no_track, ...). */
  options: string[];
  at: SourceRef;
}

export interface TrackReference {
  name: string;
  /** Weight as written; undefined means the tracked object's own weight. */
  weight?: number;
  reverse: boolean;
  /** `noreverse` (or `no_reverse`) written: cancels the tracked object's own `reverse`. */
  noReverse?: boolean;
  at: SourceRef;
}

export interface Authentication {
  type: 'PASS' | 'AH' | undefined;
  /** The password as written after comment stripping. */
  password?: string;
  /** What goes on the wire: the first 8 characters. */
  effectivePassword?: string;
  at: SourceRef;
}

export type VrrpState = 'MASTER' | 'BACKUP';

export interface VrrpInstance {
  name: string;
  at: SourceRef;
  /** Initial state; anything but MASTER/BACKUP is BACKUP (keepalived: "defaulting to BACKUP"). */
  state: VrrpState;
  stateSet: boolean;
  interface?: string;
  virtualRouterId?: number;
  /** 1..255, default 100. */
  priority: number;
  prioritySet: boolean;
  /** Seconds; default 1. Under VRRPv2 keepalived rounds to whole seconds. */
  advertInt: number;
  /** The instance's version (2 or 3); default the global vrrp_version (2). */
  version: 2 | 3;
  nopreempt: boolean;
  /** Seconds; 0 when not set. */
  preemptDelay: number;
  strictMode: boolean;
  authentication?: Authentication;
  /** The instance's address family: IPv6 with native_ipv6, else that of its first VIP (IPv4 if none). */
  family: AddressFamily;
  virtualIpAddresses: IpAddressEntry[];
  excludedIpAddresses: IpAddressEntry[];
  unicastSrcIp?: string;
  /** min_ttl / max_ttl: the TTL window of this peer's adverts, when written (vrrp run checks it). */
  unicastPeers: { address: string; at: SourceRef; minTtl?: number; maxTtl?: number }[];
  mcastSrcIp?: string;
  useVmac: boolean;
  trackScripts: TrackReference[];
  trackInterfaces: TrackReference[];
  trackFiles: TrackReference[];
  trackProcesses: TrackReference[];
  notify: Partial<Record<'master' | 'backup' | 'fault' | 'stop' | 'deleted' | 'any' | 'masterRxLowerPri', ScriptCommand>>;
  /** Seconds after becoming master before the second burst of gratuitous ARPs (default 5). */
  garpMasterDelay: number;
  /** Gratuitous ARPs per burst (default 5). */
  garpMasterRepeat: number;
  /** Seconds between periodic gratuitous ARPs while master; 0 = none (default). */
  garpMasterRefresh: number;
  garpMasterRefreshRepeat: number;
  /** Accept packets to the VIPs while master: on unless strict mode, `accept` / `no_accept`. */
  acceptMode: boolean;
  /** Multicast destination; undefined = global vrrp_mcast_group4/6. */
  mcastDstIp?: string;
  /** TTL / hop limit of unicast adverts (default 255). */
  unicastTtl: number;
  /**
   * unicast_ttl was written: keepalived 2.2.7 (measured) sends IPv6 unicast adverts with the
   * kernel's hop limit (the interface's hop_limit, 64 by default) unless it is.
   */
  unicastTtlSet?: boolean;
  /**
   * notify_priority_changes as written in the instance: true (on), false (off), undefined (not
   * written: the sync group's setting, else global vrrp_notify_priority_changes, decides). When
   * on, the notify fifo gets a <STATE>_PRIORITY line when the effective priority moves.
   */
  notifyPriorityChanges?: boolean;
  /** notify_deleted is written (with or without a script): a reload's removal is notified as DELETED, not FAULT. */
  notifyDeleted?: boolean;
  /** Adverts a backup waits before declaring the master down (default 3). */
  downTimerAdverts: number;
  dontTrackPrimary: boolean;
  /** Do not check that advert addresses match ours (instance or global setting). */
  skipCheckAdvAddr: boolean;
  /** `virtual_routes`: each route as its words (`[src ADDR] [to] DEST [via GW] [dev IF] ...`). */
  virtualRoutes: { words: string[]; at: SourceRef }[];
  /** `virtual_rules`: each rule as its words (`[not] [from P] [to P] [table T] [preference N] ...`); absent without the block. */
  virtualRules?: { words: string[]; at: SourceRef }[];
  /** `use_vmac [NAME] [MAC]`: the macvlan interface keepalived creates (default vrrp.<VRID>). */
  vmac?: { name?: string; mac?: string };
  /** Where `use_vmac` is written (for errors about its interface). */
  vmacAt?: SourceRef;
  /** `vmac_xmit_base`: with use_vmac, adverts leave from the configured interface, not the vmac. */
  vmacXmitBase?: boolean;
  /** Unicast adverts only from a listed unicast_peer (`check_unicast_src`, or the global one). */
  checkUnicastSrc?: boolean;
  /** A master answers a lower-priority advert with no advert of its own (instance, global, or strict mode). */
  lowerPrioNoAdvert?: boolean;
  /** A master sends one advert before stepping down for a higher priority (never in strict mode). */
  higherPrioSendAdvert?: boolean;
  /** Gratuitous ARPs when a master hears a lower priority: delay of the second burst (s) and burst size. */
  garpLowerPrioDelay?: number;
  garpLowerPrioRepeat?: number;
  /** `unicast_fault_no_peer`: the instance is unicast; with no peers it is in FAULT. */
  unicastFaultNoPeer?: boolean;
}

export interface SyncGroup {
  name: string;
  at: SourceRef;
  members: { name: string; at: SourceRef }[];
  notify: Partial<Record<'master' | 'backup' | 'fault' | 'stop' | 'any', ScriptCommand>>;
  /** Group-level tracking: applies to every member instance. */
  trackInterfaces: TrackReference[];
  trackScripts: TrackReference[];
  trackFiles: TrackReference[];
  /** notify_priority_changes as written in the group (the default of its members), or undefined. */
  notifyPriorityChanges?: boolean;
  /** sync_group_tracking_weight (or the deprecated global_tracking): members' tracking weights count. */
  trackingWeight?: boolean;
}

/**
 * `track_file NAME { file PATH; weight W [reverse]; init_file [VALUE] [overwrite] }`
 * (`vrrp_track_file` is keepalived's older name): a number in a file, read whenever the file
 * changes, multiplied by the weight and added to the priority of the instances tracking it.
 */
export interface TrackFile {
  name: string;
  at: SourceRef;
  /** The file's path as written (keepalived needs it absolute in practice: it runs from /). */
  path?: string;
  /** Default 1. */
  weight: number;
  reverse: boolean;
  /** Write `value` (default 0) at start-up if the file is missing, or always with `overwrite`. */
  initFile?: { value: number; overwrite: boolean };
}

export interface VrrpScript {
  name: string;
  at: SourceRef;
  script?: ScriptCommand;
  /** Seconds, default 1. */
  interval: number;
  timeout?: number;
  /** Default 0. */
  weight: number;
  reverse: boolean;
  rise: number;
  fall: number;
  user?: string;
  group?: string;
  initFail: boolean;
}

export type CheckerType = 'TCP_CHECK' | 'HTTP_GET' | 'SSL_GET' | 'MISC_CHECK' | 'SMTP_CHECK' | 'DNS_CHECK' | 'UDP_CHECK' | 'PING_CHECK' | 'FILE_CHECK' | 'BFD_CHECK';

export interface HttpUrl {
  path?: string;
  digest?: string;
  /** Status code ranges; default 200-299. */
  statusCodes: [number, number][];
  virtualhost?: string;
  at: SourceRef;
}

export interface Checker {
  type: CheckerType;
  at: SourceRef;
  connectIp?: string;
  connectPort?: number;
  bindTo?: string;
  /** Seconds; inherited from the real/virtual server, default 5. */
  connectTimeout: number;
  /** Default 1 (3 for MISC/HTTP in older versions is not 2.2.7 behaviour). */
  retry: number;
  delayBeforeRetry: number;
  delayLoop: number;
  urls: HttpUrl[];
  miscPath?: ScriptCommand;
  miscTimeout?: number;
  miscDynamic: boolean;
  /** Everything else written in the block, keyword -> arguments. */
  options: Record<string, string[]>;
}

export interface RealServer {
  address: string;
  port?: number;
  at: SourceRef;
  /** 0..2147483647, default 1. */
  weight: number;
  inhibitOnFailure: boolean;
  notifyUp?: ScriptCommand;
  notifyDown?: ScriptCommand;
  checkers: Checker[];
}

export type LvsProtocol = 'TCP' | 'UDP' | 'SCTP';
export type LvsMethod = 'NAT' | 'DR' | 'TUN';

export interface VirtualServer {
  /** How the service is named: address + port, firewall mark or a virtual_server_group. */
  kind: 'address' | 'fwmark' | 'group';
  address?: string;
  port?: number;
  fwmark?: number;
  group?: string;
  family?: AddressFamily;
  at: SourceRef;
  /** keepalived 2.2.7 defaults to UDP when protocol is missing. */
  protocol: LvsProtocol;
  protocolSet: boolean;
  /** Default wlc. */
  scheduler: string;
  schedulerSet: boolean;
  /** Default NAT. */
  method: LvsMethod;
  methodSet: boolean;
  persistenceTimeout?: number;
  /** Seconds; default 60. */
  delayLoop: number;
  connectTimeout: number;
  retry: number;
  delayBeforeRetry: number;
  quorum: number;
  hysteresis: number;
  quorumUp?: ScriptCommand;
  quorumDown?: ScriptCommand;
  sorryServer?: { address: string; port?: number; at: SourceRef };
  realServers: RealServer[];
}

export interface VirtualServerGroupEntry {
  kind: 'range' | 'fwmark';
  address?: string;
  /** For a.b.c.d-e ranges: the last octet (or last address). */
  rangeEnd?: string;
  prefix?: number;
  port?: number;
  fwmark?: number;
  at: SourceRef;
}

export interface VirtualServerGroup {
  name: string;
  at: SourceRef;
  entries: VirtualServerGroupEntry[];
}

export interface GlobalDefs {
  routerId?: string;
  /** Default 2. */
  vrrpVersion: 2 | 3;
  vrrpStrict: boolean;
  enableScriptSecurity: boolean;
  scriptUser?: string;
  scriptUserAt?: SourceRef;
  notificationEmails: string[];
  vrrpMcastGroup4: string;
  vrrpMcastGroup6: string;
  /** Global gratuitous-ARP defaults (instances may override): 5 s, 5 ARPs. */
  vrrpGarpMasterDelay: number;
  vrrpGarpMasterRepeat: number;
  /** Seconds between gratuitous ARPs / neighbour adverts in a burst (default 0). */
  vrrpGarpInterval: number;
  vrrpGnaInterval: number;
  vrrpSkipCheckAdvAddr: boolean;
  /** Interface for instances that give none (default eth0). */
  defaultInterface: string;
  /** Where VRRP state changes are written (`vrrp_notify_fifo`, else `notify_fifo`). */
  vrrpNotifyFifo?: string;
  /** Global defaults of the instance keywords of the same names (undefined when not written). */
  vrrpDownTimerAdverts?: number;
  vrrpLowerPrioNoAdvert?: boolean;
  vrrpHigherPrioSendAdvert?: boolean;
  vrrpGarpLowerPrioDelay?: number;
  vrrpGarpLowerPrioRepeat?: number;
  vrrpCheckUnicastSrc?: boolean;
  /** vrrp_notify_priority_changes: the default of the instances' notify_priority_changes. */
  vrrpNotifyPriorityChanges?: boolean;
  /** `lvs_sync_daemon IFNAME [INSTANCE] ...` */
  lvsSyncDaemon?: { interface: string; instance?: string };
  at?: SourceRef;
}

export interface KeepalivedConfig {
  /** The main file, then every included file. */
  files: string[];
  configId: string;
  global: GlobalDefs;
  vrrpScripts: VrrpScript[];
  trackFiles: TrackFile[];
  vrrpInstances: VrrpInstance[];
  syncGroups: SyncGroup[];
  virtualServers: VirtualServer[];
  virtualServerGroups: VirtualServerGroup[];
}
