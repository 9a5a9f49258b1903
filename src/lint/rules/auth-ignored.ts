import type { Rule } from '../types.js';

export default {
  id: 'auth-ignored',
  severity: 'warning',
  category: 'vrrp',
  description: 'authentication under VRRPv3 or strict mode, where keepalived ignores it.',
  check({ config, report }) {
    for (const instance of config.vrrpInstances) {
      const auth = instance.authentication;
      if (!auth) continue;
      if (instance.version === 3) report(auth.at, `vrrp_instance ${instance.name}: VRRPv3 has no authentication; keepalived ignores this block (peers still on v2 with PASS will not match)`);
      else if (instance.strictMode) report(auth.at, `vrrp_instance ${instance.name}: strict mode forbids authentication; keepalived ignores this block`);
    }
  },
} satisfies Rule;
