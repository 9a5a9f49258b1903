import type { Rule } from '../types.js';

// keepalived -t: "(VI_1) track file NAME not found, ignoring..." (exit status 5), also for a
// track_file block without a `file` line (that block itself is ignored: block-missing-required).
export default {
  id: 'undefined-track-file',
  severity: 'error',
  category: 'vrrp',
  description: 'track_file in a vrrp_instance or vrrp_sync_group naming a track_file block that is not defined (or has no file).',
  check({ config, report }) {
    const defined = new Set(config.trackFiles.filter((f) => f.path).map((f) => f.name));
    const declared = new Set(config.trackFiles.map((f) => f.name));
    const owners = [
      ...config.vrrpInstances.map((instance) => ({ where: `vrrp_instance ${instance.name}`, tracks: instance.trackFiles })),
      ...config.syncGroups.map((group) => ({ where: `vrrp_sync_group ${group.name}`, tracks: group.trackFiles })),
    ];
    for (const { where, tracks } of owners) {
      for (const track of tracks) {
        if (defined.has(track.name)) continue;
        const why = declared.has(track.name) ? 'is defined without a file line' : 'is not defined';
        report(track.at, `track_file ${track.name} in ${where}: track_file ${track.name} ${why}, so keepalived ignores the tracking`);
      }
    }
  },
} satisfies Rule;
