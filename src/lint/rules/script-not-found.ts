import { accessSync, constants, statSync } from 'node:fs';
import type { Rule } from '../types.js';
import { scripts } from '../helpers.js';

// Host-dependent: keepalived -t disables tracked scripts it cannot find or execute here
// ("Disabling track script X since not found/accessible"); the target host may differ.
export default {
  id: 'script-not-found',
  severity: 'warning',
  category: 'scripts',
  hostDependent: true,
  description: 'A script given by absolute path that does not exist or is not executable on this host.',
  check({ config, report }) {
    for (const { script, owner, block } of scripts(config)) {
      const program = script.argv[0];
      if (program === undefined || !program.startsWith('/')) continue;
      let problem: string | undefined;
      try {
        if (!statSync(program).isFile()) problem = 'is not a file';
        else accessSync(program, constants.X_OK);
      } catch (error) {
        problem = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'is not executable';
      }
      if (problem) report(block ?? script.at, `${owner}: ${program} ${problem} on this host: keepalived disables the script`);
    }
  },
} satisfies Rule;
