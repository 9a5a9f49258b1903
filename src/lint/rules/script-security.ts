import type { Rule } from '../types.js';
import { scripts } from '../helpers.js';

// Host-dependent: keepalived -t exits 6 ("SECURITY VIOLATION") when scripts would run as root
// without enable_script_security; with a keepalived_script user present it may pass.
export default {
  id: 'script-security',
  severity: 'warning',
  category: 'security',
  hostDependent: true,
  description: 'Scripts configured without enable_script_security in global_defs.',
  check({ config, report }) {
    if (config.global.enableScriptSecurity) return;
    const first = scripts(config)[0];
    if (!first) return;
    report(first.script.at, `scripts are configured but global_defs has no enable_script_security: keepalived refuses scripts that run as root and are writable by others (keepalived -t: "SECURITY VIOLATION", exit 6); add enable_script_security and script_user`);
  },
} satisfies Rule;
