import { z } from "zod";
import type { FaultSpec } from "./types";
import { seededRandom } from "./util";

export const faultSpecSchema = z
  .object({
    service: z.string().optional(),
    action: z.string().optional(),
    kind: z.enum(["throttle", "server-error", "latency", "drop", "lost"]),
    nth: z.number().int().positive().optional(),
    count: z.number().int().positive().optional(),
    ratio: z.number().min(0).max(1).optional(),
    latencyMs: z.number().int().nonnegative().optional(),
    status: z.number().int().min(400).max(599).optional(),
    code: z.string().min(1).optional(),
  })
  .strict();

interface ActiveFault {
  spec: FaultSpec;
  /** Matching calls still to let through before the fault applies (`nth` - 1). */
  skip: number;
  remaining: number | undefined;
}

/**
 * Injected faults. The first registered fault that matches a call (service, action), has let its
 * first `nth - 1` matching calls through, and passes its ratio draw applies; `count` counts
 * applied faults, and a fault is dropped once used up. A call skipped by one fault may still be
 * taken by a later-registered one.
 */
export class FaultRegistry {
  private faults: ActiveFault[] = [];
  private random: () => number;

  constructor(private readonly seed: number) {
    this.random = seededRandom(seed);
  }

  add(spec: FaultSpec): void {
    const parsed = faultSpecSchema.parse(spec);
    this.faults.push({ spec: parsed, skip: (parsed.nth ?? 1) - 1, remaining: parsed.count });
  }

  /** The fault to apply to this call, if any (consumes one from its count). */
  take(service: string, action: string): FaultSpec | undefined {
    for (const f of this.faults) {
      if (f.spec.service !== undefined && f.spec.service !== service) continue;
      const a = f.spec.action ?? "*";
      if (a !== "*" && a !== action) continue;
      if (f.skip > 0) {
        f.skip -= 1;
        continue;
      }
      if (f.spec.ratio !== undefined && this.random() >= f.spec.ratio) continue;
      if (f.remaining !== undefined) {
        f.remaining -= 1;
        if (f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
      }
      return f.spec;
    }
    return undefined;
  }

  clear(): void {
    this.faults = [];
  }

  /** Clears faults and re-seeds the PRNG, so a reset emulator replays the same ratio draws. */
  reset(): void {
    this.clear();
    this.random = seededRandom(this.seed);
  }
}
