import { wordId } from '../../keepalived/words.js';
import { childNodes } from '../helpers.js';
import type { Rule } from '../types.js';

const SYNC_GROUP = wordId('vrrp_sync_group');

export default {
  id: 'unused-vrrp-script',
  severity: 'warning',
  category: 'scripts',
  description: 'A vrrp_script that no instance or sync group tracks.',
  check({ config, loaded, report }) {
    const used = new Set(config.vrrpInstances.flatMap((i) => i.trackScripts.map((t) => t.name)));
    // Sync groups can track scripts too.
    const syntax = loaded.syntax;
    const top = syntax.top();
    for (let i = 0; i < top.length; i += 1) {
      const node = top[i] as number;
      if (syntax.word(node) !== SYNC_GROUP) continue;
      for (const child of childNodes(syntax, node)) if (syntax.keyword(child) === 'track_script') for (const line of childNodes(syntax, child)) used.add(syntax.keyword(line));
    }
    for (const script of config.vrrpScripts) if (!used.has(script.name)) report(script.at, `vrrp_script ${script.name} is never tracked: it runs but changes nothing (add it to a track_script block or delete it)`);
  },
} satisfies Rule;
