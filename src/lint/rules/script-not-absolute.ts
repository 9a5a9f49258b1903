import type { Rule } from '../types.js';
import { scripts } from '../helpers.js';

export default {
  id: 'script-not-absolute',
  severity: 'warning',
  category: 'scripts',
  description: 'A script or notify command not given by absolute path (keepalived does not search PATH reliably).',
  check({ config, report }) {
    for (const { script, owner } of scripts(config)) {
      const program = script.argv[0];
      if (program !== undefined && !program.startsWith('/')) report(script.at, `${owner}: '${program}' is not an absolute path; keepalived runs it from / with a minimal environment: write the full path`);
    }
  },
} satisfies Rule;
