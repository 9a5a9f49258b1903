// What tracked objects (track_interface, track_script) do to an instance, by keepalived's rules
// (keepalived.conf(5)):
// - weight 0: the object failing puts the instance in FAULT; `reverse` makes it fail when up;
// - weight > 0: added to the priority while the object is up;
// - weight < 0: added (so subtracted) while the object is down;
// - `reverse` with a weight turns the adjustment round (keepalived multiplies the weight by -1):
//   a positive weight is subtracted while up, a negative one added while down;
// - inside a vrrp_sync_group, track_script weights count as 0 (keepalived zeroes them so the
//   members of a group cannot end up with inconsistent priorities);
// - track_file (a number in a file): weight 0 makes a non-zero value a failure (FAULT);
//   otherwise value x weight (negated by `reverse`) is added, and a result below -253 means
//   FAULT (keepalived.conf(5), and what keepalived 2.2.7 does).
// Pure: the engine feeds it the objects' current states.

export type TrackedKind = 'interface' | 'script' | 'file';

export interface TrackedObject {
  kind: TrackedKind;
  name: string;
  weight: number;
  reverse: boolean;
  /** Current health; `undefined` while it cannot be known (a disabled script): no effect. */
  up: boolean | undefined;
  /** A track file's current number (kind 'file'; `up` is unused for files). */
  value?: number;
}

/** Below this, a track file's weighted value puts the instance in FAULT. */
export const TRACK_FILE_FAULT_BELOW = -253;

export interface TrackingEffect {
  /** Names of the objects holding the instance in FAULT (e.g. "script chk_http"). */
  faults: string[];
  /** Weights to add to the configured priority. */
  weights: number[];
}

export function trackedLabel(object: Pick<TrackedObject, 'kind' | 'name'>): string {
  return `${object.kind} ${object.name}`;
}

/**
 * A track file's adjustment to the priority (its number x weight, negated by reverse), or
 * undefined when the file holds the instance in FAULT (weight 0 and a non-zero number, or an
 * adjustment below -253).
 */
export function trackFileWeight(object: TrackedObject): number | undefined {
  const value = object.value ?? 0;
  if (object.weight === 0) return value === 0 ? 0 : undefined;
  const weighted = value * object.weight * (object.reverse ? -1 : 1);
  return weighted < TRACK_FILE_FAULT_BELOW ? undefined : weighted;
}

export function trackingEffect(objects: TrackedObject[]): TrackingEffect {
  const faults: string[] = [];
  const weights: number[] = [];
  for (const object of objects) {
    if (object.kind === 'file') {
      const weighted = trackFileWeight(object);
      if (weighted === undefined) faults.push(trackedLabel(object));
      else if (weighted !== 0) weights.push(weighted);
      continue;
    }
    if (object.up === undefined) continue;
    if (object.weight === 0) {
      if (object.reverse ? object.up : !object.up) faults.push(trackedLabel(object));
      continue;
    }
    const applies = object.weight > 0 ? object.up : !object.up;
    if (applies) weights.push(object.reverse ? -object.weight : object.weight);
  }
  return { faults, weights };
}
