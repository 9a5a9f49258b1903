import type { Rule } from '../types.js';

export default {
  id: 'vrrp-script-without-script',
  severity: 'error',
  category: 'scripts',
  description: 'A vrrp_script block without a script line (keepalived removes it).',
  check({ config, report }) {
    for (const script of config.vrrpScripts) if (!script.script) report(script.at, `vrrp_script ${script.name} has no 'script' line: keepalived removes it (and every track of it)`);
  },
} satisfies Rule;
