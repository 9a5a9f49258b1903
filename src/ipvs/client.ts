// Talking to IPVS over one generic-netlink socket: reads (dumps of services, destinations,
// daemons; timeouts), single changes, and batches of changes with one outcome each.
// Errors keep the kernel's errno (for --debug) and get words a user can act on (errors.ts).
import { AttributeWriter } from '../netlink/attributes.js';
import type { NetlinkRequest, RequestOutcome, BatchOptions } from '../netlink/connection.js';
import { decodeGenl, encodeGenlHeader, type GenlClient } from '../netlink/genl.js';
import {
  IPVS_CMD_DEL_DAEMON,
  IPVS_CMD_DEL_DEST,
  IPVS_CMD_DEL_SERVICE,
  IPVS_CMD_FLUSH,
  IPVS_CMD_GET_CONFIG,
  IPVS_CMD_GET_DAEMON,
  IPVS_CMD_GET_DEST,
  IPVS_CMD_GET_SERVICE,
  IPVS_CMD_NEW_DAEMON,
  IPVS_CMD_NEW_DEST,
  IPVS_CMD_NEW_SERVICE,
  IPVS_CMD_SET_CONFIG,
  IPVS_CMD_SET_DEST,
  IPVS_CMD_SET_SERVICE,
  IPVS_CMD_ZERO,
} from './constants.js';
import {
  daemonAttributes,
  decodeRealColumns,
  newRealColumns,
  truncateRealColumns,
  type RealColumns,
  daemonNest,
  decodeDaemon,
  decodeDestinationBytes,
  decodeService,
  decodeServiceBytes,
  decodeTimeouts,
  destinationAttributes,
  serviceAttributes,
  serviceNest,
  timeoutAttributes,
  topLevelAttribute,
  topLevelAttributeAt,
} from './codec.js';
import { IPVS_CMD_ATTR_DEST, IPVS_CMD_ATTR_SERVICE } from './constants.js';
import { ipvsError, type IpvsOperation } from './errors.js';
import { openIpvs } from './info.js';
import { serviceId, type Daemon, type Destination, type Service, type ServiceEntry, type ServiceKey, type Timeouts } from './model.js';
import { parseProcServices, readProcServices, type ProcService } from './procfs.js';
import { ServiceColumns } from './service-columns.js';
import { IpvsSockopt, destinationCount } from './sockopt.js';
import { u16HostAt } from '../native/bytes.js';

/** One change to the table, as a batch or a restore plan holds it. */
export type Change =
  | { op: 'add-service' | 'edit-service'; service: Service }
  | { op: 'delete-service'; service: ServiceKey }
  | { op: 'add-real' | 'edit-real' | 'delete-real'; service: ServiceKey; destination: Destination }
  | { op: 'flush' }
  | { op: 'zero'; service?: ServiceKey }
  | { op: 'timeout'; timeouts: Timeouts }
  | { op: 'start-daemon' | 'stop-daemon'; daemon: Daemon };

export class IpvsClient {
  /** Problems met while decoding replies (malformed attributes); empty in normal operation. */
  readonly problems: string[] = [];
  /** The socket-option reader (sockopt.ts), opened on first use; null when it cannot be. */
  private sockoptReader: IpvsSockopt | null | undefined;

  constructor(readonly genl: GenlClient) {}

  static async open(): Promise<IpvsClient> {
    return new IpvsClient(await openIpvs());
  }

  close(): void {
    this.sockoptReader?.close();
    this.genl.close();
  }

  private sockopt(): IpvsSockopt | undefined {
    if (this.sockoptReader === undefined) this.sockoptReader = IpvsSockopt.open() ?? null;
    return this.sockoptReader ?? undefined;
  }

  private request(command: number, attributes?: AttributeWriter): NetlinkRequest {
    return { type: this.genl.family.id, payload: this.genl.payload(command, attributes) };
  }

  /** A request whose attributes `write` adds after the genl header, in one buffer (no copies to join). */
  private requestWith(command: number, write: (writer: AttributeWriter) => void): NetlinkRequest {
    return { type: this.genl.family.id, payload: this.payload(command, write) };
  }

  /** genl header and attributes, written in one buffer. */
  private payload(command: number, write?: (writer: AttributeWriter) => void): Buffer {
    const writer = new AttributeWriter(192).header(encodeGenlHeader(command, this.genl.family.version));
    write?.(writer);
    return writer.toBuffer();
  }

  /** Every service; counters only when `withStats`. */
  async services(withStats = true): Promise<Service[]> {
    let services: Service[] = [];
    await this.guard('list', () =>
      this.genl.connection.dumpSequence(
        this.genl.family.id,
        [this.payload(IPVS_CMD_GET_SERVICE)],
        (_, payload) => {
          const nest = topLevelAttribute(payload, IPVS_CMD_ATTR_SERVICE);
          if (!nest) return;
          const { value, problems } = decodeServiceBytes(nest, withStats);
          if (problems.length > 0) this.problems.push(...problems);
          services.push(value);
        },
        () => {
          services = [];
        },
      ),
    );
    return services;
  }

  /** Every service, without counters, as columns (service-columns.ts): no object per service. */
  async serviceColumns(): Promise<ServiceColumns> {
    // Sized for the IPv4 services the kernel counts (one system call), so that the columns
    // need not grow in the middle of the dump: code that V8 optimised before the first
    // growth would be thrown away there and compiled again.
    const columns = new ServiceColumns((this.sockopt()?.serviceCount() ?? 0) + 64);
    await this.guard('list', () =>
      this.genl.connection.dumpSequenceSpans(
        this.genl.family.id,
        [this.payload(IPVS_CMD_GET_SERVICE)],
        (_, bytes, start, end) => {
          const at = topLevelAttributeAt(bytes, start, end, IPVS_CMD_ATTR_SERVICE);
          if (at >= 0) columns.add(bytes, at + 4, at + u16HostAt(bytes, at));
        },
        () => columns.clear(),
      ),
    );
    if (columns.problems.length > 0) this.problems.push(...columns.problems);
    return columns;
  }

  async service(key: ServiceKey): Promise<Service> {
    const replies = await this.guard('get-service', () =>
      this.genl.connection.request(this.request(IPVS_CMD_GET_SERVICE, serviceAttributes(key, false))),
    );
    for (const reply of replies) {
      const nest = serviceNest(decodeGenl(reply, 'ipvs service').attributes);
      if (!nest) continue;
      const { value, problems } = decodeService(nest);
      this.problems.push(...problems);
      return value;
    }
    throw ipvsError('get-service', Object.assign(new Error('no reply'), { code: 'ESRCH', errno: -3, syscall: 'netlink' }));
  }

  /** The destinations of a service; counters only when `withStats` (they cost time on big tables). */
  async destinations(service: ServiceKey, withStats = true): Promise<Destination[]> {
    const [destinations] = await this.destinationsOf([service], withStats);
    return destinations ?? [];
  }

  /**
   * The destinations of each service, in order: one dump per service (the kernel has no
   * other way to name them), read back to back without an object per reply.
   */
  async destinationsOf(services: ServiceKey[], withStats = true): Promise<Destination[][]> {
    const lists: Destination[][] = services.map(() => []);
    const payloads = this.destinationPayloads(services);
    await this.guard('list', () =>
      this.genl.connection.dumpSequence(
        this.genl.family.id,
        payloads,
        (index, payload) => {
          const nest = topLevelAttribute(payload, IPVS_CMD_ATTR_DEST);
          if (!nest) return;
          const { value, problems } = decodeDestinationBytes(nest, (services[index] as ServiceKey).af, withStats);
          if (problems.length > 0) this.problems.push(...problems);
          (lists[index] as Destination[]).push(value);
        },
        (index) => {
          lists[index] = [];
        },
      ),
    );
    return lists;
  }

  /**
   * The real servers of each service as columns (codec.ts RealColumns), for saves of big
   * tables; undefined when a reply has a problem (the general way then decodes and reports it).
   */
  async realColumns(services: ServiceColumns): Promise<RealColumns | undefined> {
    // The real servers of IPv4 services by socket options, one call each (sockopt.ts); netlink
    // reads the rest, and those the options cannot give whole (tunnels, the other family).
    const asked: number[] = [];
    const sockopt = services.length > 0 ? this.sockopt() : undefined;
    const table = sockopt?.serviceTable();
    // Room for the real servers the kernel counted (IPv4 services; others make the columns grow).
    let expected = 0;
    for (let entry = 0; table && entry < table.byKey.size; entry++) expected += destinationCount(table, entry);
    const columns = newRealColumns(expected + 16);
    for (let i = 0; i < services.length; i++) {
      const key = table && services.key(i);
      const entry = key === undefined ? undefined : table?.byKey.get(key);
      if (entry === undefined || !sockopt || !table || sockopt.readReals(table, entry, i, columns) !== 'ok') asked.push(i);
    }
    const starts = new Int32Array(services.length);
    let problem = false;
    await this.guard('list', () =>
      this.genl.connection.dumpSequence(
        this.genl.family.id,
        this.destinationPayloads(asked.map((i) => services.service(i))),
        (dump, payload) => {
          if (problem) return;
          const index = asked[dump] as number;
          if (columns.length === 0 || columns.service[columns.length - 1] !== index) starts[index] = columns.length;
          const nest = topLevelAttribute(payload, IPVS_CMD_ATTR_DEST);
          if (nest && !decodeRealColumns(nest, index, services.af(index), columns)) problem = true;
        },
        (dump) => {
          const index = asked[dump] as number;
          if (columns.length > 0 && columns.service[columns.length - 1] === index) truncateRealColumns(columns, starts[index] as number);
        },
      ),
    );
    return problem ? undefined : columns;
  }

  /** GET_DEST payloads for each service, in one buffer (views into it), not a buffer each. */
  private destinationPayloads(services: ServiceKey[]): Buffer[] {
    const writer = new AttributeWriter(64 * services.length + 64);
    const starts: number[] = [];
    const head = encodeGenlHeader(IPVS_CMD_GET_DEST, this.genl.family.version);
    for (const service of services) {
      starts.push(writer.size);
      writer.header(head);
      serviceAttributes(service, false, writer);
    }
    const all = writer.view();
    return starts.map((start, i) => all.subarray(start, starts[i + 1] ?? all.length));
  }

  /** Every service with its destinations, in the kernel's order. */
  async snapshot(withStats = true): Promise<ServiceEntry[]> {
    return this.snapshotOf(await this.services(withStats), withStats);
  }

  /**
   * The table for plain listings: services from netlink, real servers from /proc/net/ip_vs
   * in one read (thresholds, tunnel details and counters are left at zero). Services the
   * file cannot name unambiguously (a mark used by both families), or leaves out, are asked
   * for by netlink. It leaves some out in Linux 6.1 when other network namespaces have IPVS
   * services too: their entries share one hash table, and the file, read a page at a time,
   * loses its place between pages (whole services go missing, never single real servers).
   */
  async snapshotForPlainList(services?: Service[], procText?: string): Promise<ServiceEntry[]> {
    services ??= await this.services(false);
    const proc = procText === undefined ? readProcServices() : parseProcServices(procText);
    if (!proc) return this.snapshotOf(services, false);
    const byKey = new Map<string, ProcService | null>();
    for (const entry of proc) byKey.set(entry.key, byKey.has(entry.key) ? null : entry);
    const entries: ServiceEntry[] = [];
    const missing: number[] = [];
    for (const service of services) {
      const found = byKey.get(service.fwmark ? `fwm/${service.fwmark >>> 0}` : serviceId(service));
      if (!found) missing.push(entries.length);
      entries.push({ service, destinations: found ? found.destinations : [] });
    }
    if (missing.length > 0) {
      const lists = await this.destinationsOf(missing.map((i) => (entries[i] as ServiceEntry).service), false);
      missing.forEach((entry, i) => ((entries[entry] as ServiceEntry).destinations = lists[i] as Destination[]));
    }
    return entries;
  }

  /** These services with their destinations. */
  async snapshotOf(services: Service[], withStats: boolean): Promise<ServiceEntry[]> {
    const lists = await this.destinationsOf(services, withStats);
    return services.map((service, i) => ({ service, destinations: lists[i] as Destination[] }));
  }

  async timeouts(): Promise<Timeouts> {
    const replies = await this.guard('list', () => this.genl.connection.request(this.request(IPVS_CMD_GET_CONFIG)));
    const reply = replies[0];
    if (!reply) return { tcp: 0, tcpFin: 0, udp: 0 };
    const { value, problems } = decodeTimeouts(decodeGenl(reply, 'ipvs config').attributes);
    this.problems.push(...problems);
    return value;
  }

  async daemons(): Promise<Daemon[]> {
    const replies = await this.guard('list', () => this.genl.connection.dump(this.genl.family.id, this.genl.payload(IPVS_CMD_GET_DAEMON)));
    const daemons: Daemon[] = [];
    for (const reply of replies) {
      const nest = daemonNest(decodeGenl(reply, 'ipvs daemon').attributes);
      if (!nest) continue;
      const { value, problems } = decodeDaemon(nest);
      this.problems.push(...problems);
      daemons.push(value);
    }
    return daemons;
  }

  /** The netlink request that makes one change. */
  requestFor(change: Change): NetlinkRequest {
    switch (change.op) {
      case 'add-service':
        return this.requestWith(IPVS_CMD_NEW_SERVICE, (w) => serviceAttributes(change.service, true, w));
      case 'edit-service':
        return this.requestWith(IPVS_CMD_SET_SERVICE, (w) => serviceAttributes(change.service, true, w));
      case 'delete-service':
        return this.requestWith(IPVS_CMD_DEL_SERVICE, (w) => serviceAttributes(change.service, false, w));
      case 'add-real':
        return this.requestWith(IPVS_CMD_NEW_DEST, (w) => destinationAttributes(change.service, change.destination, true, w));
      case 'edit-real':
        return this.requestWith(IPVS_CMD_SET_DEST, (w) => destinationAttributes(change.service, change.destination, true, w));
      case 'delete-real':
        return this.requestWith(IPVS_CMD_DEL_DEST, (w) => destinationAttributes(change.service, change.destination, false, w));
      case 'flush':
        return this.request(IPVS_CMD_FLUSH);
      case 'zero':
        return this.request(IPVS_CMD_ZERO, change.service ? serviceAttributes(change.service, false) : undefined);
      case 'timeout':
        return this.request(IPVS_CMD_SET_CONFIG, timeoutAttributes(change.timeouts));
      case 'start-daemon':
        return this.request(IPVS_CMD_NEW_DAEMON, daemonAttributes(change.daemon));
      case 'stop-daemon':
        return this.request(IPVS_CMD_DEL_DAEMON, daemonAttributes(change.daemon, true));
    }
  }

  /** One change; a refusal becomes a VipctlError that names the object and the reason. */
  async apply(change: Change): Promise<void> {
    await this.guard(change.op, () => this.genl.connection.request(this.requestFor(change)), change);
  }

  /**
   * Many changes over this socket, several per send; one outcome per change, in order.
   * Only refusals and the last change of each send are acknowledged (one read per send).
   */
  async applyAll(changes: Change[], options: BatchOptions = {}): Promise<RequestOutcome[]> {
    return this.genl.connection.batch(
      changes.map((change) => this.requestFor(change)),
      { acknowledge: 'errors', ...options },
    );
  }

  private async guard<T>(op: IpvsOperation, run: () => Promise<T>, change?: Change): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw ipvsError(op, error, change);
    }
  }
}

/** Opens IPVS, runs `work`, and closes the socket whatever happens. */
export async function withIpvs<T>(work: (client: IpvsClient) => Promise<T>): Promise<T> {
  const client = await IpvsClient.open();
  try {
    return await work(client);
  } finally {
    client.close();
  }
}
