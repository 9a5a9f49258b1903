import type { Rule } from '../types.js';

export default {
  id: 'missing-interface',
  severity: 'error',
  category: 'vrrp',
  description: 'An instance without interface (allowed only for unicast with unicast_src_ip and peers).',
  check({ config, report }) {
    for (const instance of config.vrrpInstances) {
      if (instance.interface !== undefined) continue;
      if (instance.unicastSrcIp !== undefined && instance.unicastPeers.length > 0) continue;
      report(instance.at, `vrrp_instance ${instance.name} has no interface (keepalived: "Unknown interface!"); add 'interface NAME'`);
    }
  },
} satisfies Rule;
