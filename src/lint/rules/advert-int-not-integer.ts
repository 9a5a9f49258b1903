import type { Rule } from '../types.js';

export default {
  id: 'advert-int-not-integer',
  severity: 'warning',
  category: 'vrrp',
  description: 'A fractional advert_int under VRRPv2, which keepalived rounds to whole seconds.',
  check({ config, report }) {
    for (const instance of config.vrrpInstances) {
      if (instance.version === 2 && !Number.isInteger(instance.advertInt)) {
        report(instance.at, `vrrp_instance ${instance.name}: VRRPv2 advert_int ${instance.advertInt} must be whole seconds; keepalived rounds it to ${Math.max(1, Math.round(instance.advertInt))} (use version 3 for sub-second adverts)`);
      }
    }
  },
} satisfies Rule;
