import type { Rule } from '../types.js';

export default {
  id: 'plaintext-auth-readable',
  severity: 'warning',
  category: 'security',
  description: 'A PASS auth_pass in a file that every local user can read.',
  check({ config, fileMode, report }) {
    for (const instance of config.vrrpInstances) {
      const auth = instance.authentication;
      if (!auth || auth.type !== 'PASS' || auth.password === undefined) continue;
      const mode = fileMode(auth.at.file);
      if (mode !== undefined && (mode & 0o004) !== 0) report(auth.at, `vrrp_instance ${instance.name}: the VRRP password is in a world-readable file (mode ${(mode & 0o777).toString(8)}); chmod 600 or 640 root:root`);
    }
  },
} satisfies Rule;
