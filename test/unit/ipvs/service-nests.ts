// Service nests as the kernel sends them in a GET_SERVICE dump (the key, scheduler, engine,
// flags, timeout, netmask, then counters), and columns read from them: the quick writers'
// input in the unit tests, made through the same decoder the dump goes through.
import { writeServiceFull } from '../../../src/ipvs/codec.js';
import { IPVS_SVC_ATTR_STATS, IPVS_SVC_ATTR_STATS64 } from '../../../src/ipvs/constants.js';
import type { Service } from '../../../src/ipvs/model.js';
import { ServiceColumns } from '../../../src/ipvs/service-columns.js';
import { AttributeWriter } from '../../../src/netlink/attributes.js';

export function serviceNest(service: Service): Buffer {
  const writer = new AttributeWriter(256);
  writeServiceFull(writer, service);
  writer.nested(IPVS_SVC_ATTR_STATS, (stats) => stats.u32(1, 5).u32(2, 6));
  writer.nested(IPVS_SVC_ATTR_STATS64, (stats) => stats.u64(1, 5n).u64(2, 6n));
  return writer.toBuffer();
}

/** The services as columns, each decoded from its nest inside one buffer (as a dump's datagram holds them). */
export function columnsOf(services: readonly Service[]): ServiceColumns {
  const nests = services.map(serviceNest);
  const datagram = Buffer.concat([Buffer.alloc(3), ...nests, Buffer.alloc(5)]);
  const columns = new ServiceColumns(2);
  let at = 3;
  for (const nest of nests) {
    columns.add(datagram, at, at + nest.length);
    at += nest.length;
  }
  return columns;
}
