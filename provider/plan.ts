/** One step of a fingerprint change: exactly one Add/Remove API call. */
export type FingerprintStep = { op: "add" | "remove"; fingerprint: string };

/**
 * Plans the add/remove calls that take a provider's fingerprints from
 * `current` to `desired` (both normalized sets) in the fewest calls
 * (|removed| + |added|) while the count never leaves [min, max] after any step.
 *
 * New fingerprints go in before old ones come out wherever the maximum allows,
 * so tokens signed under either certificate keep working during a rotation. A
 * full rotation at the maximum alternates remove/add. Deterministic: the same
 * inputs give the same plan, so a re-run after a failure replays the same
 * sequence and the steps already done are recognised as done.
 */
export function planFingerprintSteps(
  current: readonly string[],
  desired: readonly string[],
  limits: { min: number; max: number },
): FingerprintStep[] {
  const cur = new Set(current);
  const want = new Set(desired);
  const adds = [...want].filter((f) => !cur.has(f)).sort();
  const removes = [...cur].filter((f) => !want.has(f)).sort();
  if (want.size < limits.min || want.size > limits.max) {
    throw new RangeError(`desired fingerprints: ${want.size}, outside ${limits.min}..${limits.max}`);
  }
  const steps: FingerprintStep[] = [];
  let count = cur.size;
  while (adds.length > 0 || removes.length > 0) {
    if (adds.length > 0 && count < limits.max) {
      steps.push({ op: "add", fingerprint: adds.shift()! });
      count++;
    } else if (removes.length > 0 && count > limits.min) {
      steps.push({ op: "remove", fingerprint: removes.shift()! });
      count--;
    } else {
      // Only reachable when current itself is outside the limits (e.g. edited
      // out of band to 0); the service would refuse, so say so plainly.
      throw new RangeError(
        `cannot move fingerprints from ${cur.size} to ${want.size} within ${limits.min}..${limits.max}`,
      );
    }
  }
  return steps;
}
