import type { Rule } from '../types.js';

export default {
  id: 'fwmark-protocol',
  severity: 'warning',
  category: 'lvs',
  description: 'protocol on a fwmark virtual_server, where keepalived ignores it.',
  virtualServers({ report }) {
    return (vs) => {
      if (vs.kind === 'fwmark' && vs.protocolSet) report(vs.at, `virtual_server fwmark ${vs.fwmark ?? '?'}: protocol is ignored for firewall-mark services; remove it`);
    };
  },
} satisfies Rule;
