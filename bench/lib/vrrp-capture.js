// Builds a large pcap of VRRP traffic with vipctl's encoder: 50 VRIDs on one segment, each
// with a master advertising at its interval, in every form (v2 none / PASS / AH, v3 IPv4 and
// IPv6) with the IPv4 id counting up as keepalived's does, plus one VRID in split brain (v2 and v3 masters at once), so that the decoder and the
// diagnosis both do real work.
import { encodeAdvertisement } from '../../dist/src/vrrp/packet.js';
import { encodeAuthenticationHeader, encodeIpPacket } from '../../dist/src/vrrp/ip-packet.js';
import { encodeEthernetFrame, multicastMac, LINKTYPE_ETHERNET } from '../../dist/src/capture/link.js';
import { PcapWriter } from '../../dist/src/capture/file.js';
import { ipv4ToBytes, ipv6ToBytes } from '../../dist/src/native/ip.js';
import { internetChecksum } from '../../dist/src/vrrp/checksum.js';

function routerFrame(vrid, form, index) {
  const six = form === 'v3-ipv6';
  const source = six ? `fe80::${index + 1}` : `10.0.${vrid}.${index + 1}`;
  const destination = six ? 'ff02::12' : '224.0.0.18';
  const addresses = six ? [`2001:db8:${vrid}::1`] : [`10.1.${vrid}.1`, `10.1.${vrid}.2`];
  const version = form.startsWith('v2') ? 2 : 3;
  let payload = encodeAdvertisement(
    { version, vrid, priority: 100 + index * 50, addresses, interval: 100, authType: form === 'v2-pass' ? 1 : form === 'v2-ah' ? 2 : 0, authData: form === 'v2-pass' ? 'secret' : undefined },
    { source, destination },
  );
  if (form === 'v2-ah') payload = encodeAuthenticationHeader({ spi: ipv4ToBytes(source).readUInt32BE(0), sequence: 1, icv: Buffer.alloc(12, 0xab), payload });
  const ip = encodeIpPacket({ source, destination, payload, protocol: form === 'v2-ah' ? 51 : 112 });
  const mac = Buffer.from([0x52, 0x54, 0x00, vrid, index, 1]);
  return encodeEthernetFrame(mac, multicastMac(six ? ipv6ToBytes(destination) : ipv4ToBytes(destination)), six ? 0x86dd : 0x0800, ip);
}

export function writeVrrpCapture(file, packets) {
  const forms = ['v2-none', 'v2-pass', 'v2-ah', 'v3-ipv4', 'v3-ipv6'];
  const routers = [];
  for (let vrid = 1; vrid <= 50; vrid++) {
    routers.push({ frame: routerFrame(vrid, forms[vrid % forms.length], 0), offset: vrid * 13 });
  }
  // VRID 50 (v2 none): a second master speaking v3, out of step: a split brain.
  routers.push({ frame: routerFrame(50, 'v3-ipv4', 1), offset: 500 });
  routers.sort((a, b) => a.offset - b.offset);
  const writer = PcapWriter.create(file, { linkType: LINKTYPE_ETHERNET });
  const start = 1_700_000_000;
  let written = 0;
  for (let second = 0; written < packets; second++) {
    for (const router of routers) {
      if (written >= packets) break;
      const ms = router.offset + (second % 7);
      const frame = router.frame;
      if (frame.readUInt16BE(12) === 0x0800) {
        // Like keepalived, each advert gets the next IPv4 id (and so a new header checksum).
        frame.writeUInt16BE(second & 0xffff, 18);
        frame.writeUInt16BE(0, 24);
        frame.writeUInt16BE(internetChecksum(frame, 14, 34), 24);
      }
      writer.write(start + second, ms * 1_000_000, frame);
      written++;
    }
  }
  writer.close();
}
