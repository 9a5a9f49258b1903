import type { Rule } from '../types.js';
import { unsupportedKeywords } from '../../vrrp/support.js';

export default {
  id: 'vrrp-run-unsupported',
  severity: 'info',
  category: 'vrrp',
  description: 'A VRRP keyword that `vipctl vrrp run` does not carry out (keepalived does); vrrp run names it at start-up too.',
  check({ loaded, report }) {
    // The LVS blocks are not vrrp run's business (vipctl lb programs IPVS): only VRRP keywords here.
    for (const item of unsupportedKeywords(loaded.syntax, false)) {
      if (!item.lvs) report(item, `${item.what}: not carried out by \`vipctl vrrp run\` (keepalived does it); the rest of the file runs without it`);
    }
  },
} satisfies Rule;
