import type { Rule } from '../types.js';

export default {
  id: 'undefined-track-script',
  severity: 'error',
  category: 'scripts',
  description: 'track_script naming a vrrp_script that is not defined (or has no script).',
  check({ config, report }) {
    const defined = new Set(config.vrrpScripts.filter((s) => s.script).map((s) => s.name));
    const declared = new Set(config.vrrpScripts.map((s) => s.name));
    for (const instance of config.vrrpInstances) {
      for (const track of instance.trackScripts) {
        if (defined.has(track.name)) continue;
        const why = declared.has(track.name) ? 'is defined without a script line' : 'is not defined';
        report(track.at, `track_script ${track.name} in vrrp_instance ${instance.name}: vrrp_script ${track.name} ${why}, so keepalived ignores the tracking`);
      }
    }
  },
} satisfies Rule;
