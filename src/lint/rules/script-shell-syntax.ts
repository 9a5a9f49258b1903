import type { Rule } from '../types.js';
import { scripts } from '../helpers.js';

const SHELL = /(\|\||&&|[|;<>`]|\$\(|^~|\s~)/;

// keepalived execs the words directly: `a | b`, `x > f`, `$(...)` reach the program as arguments.
export default {
  id: 'script-shell-syntax',
  severity: 'warning',
  category: 'scripts',
  description: 'Shell syntax (pipes, redirections, &&, $(...)) in a script keepalived runs without a shell.',
  check({ config, report }) {
    for (const { script, owner } of scripts(config)) {
      const shellWrapped = /(^|\/)(ba|da|z|k)?sh$/.test(script.argv[0] ?? '') && script.argv[1] === '-c';
      if (shellWrapped) continue;
      const match = SHELL.exec(script.argv.slice(1).join(' ')) ?? SHELL.exec(script.argv[0] ?? '');
      if (match) report(script.at, `${owner}: '${match[0].trim()}' is shell syntax, but keepalived runs the command without a shell; wrap it: "/bin/sh -c '...'" or use a script file`);
    }
  },
} satisfies Rule;
