import { randomBytes, randomUUID } from "node:crypto";

/** An Alibaba-style request id: an upper-case UUID, e.g. `0C1D4B6E-...`. */
export function newRequestId(): string {
  return randomUUID().toUpperCase();
}

/** `YYYY-MM-DDTHH:mm:ssZ`, the format of Alibaba's CreateDate/UpdateDate/Expiration and x-acs-date. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A random string of letters and digits (crypto-strength; used for keys and secrets). */
export function randomAlphanumeric(length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += ALPHANUMERIC[b % ALPHANUMERIC.length];
  return out;
}

/** Mulberry32: a tiny seeded PRNG, so ratio faults are reproducible. Returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

let latencyTurn = 0;

/**
 * Waits `ms` on average, as a service's latency does, which a plain timer does not: Node's loop
 * counts whole milliseconds, so a timer of k ms fires about half a millisecond (more on a busy
 * machine) after k ms have passed (on Node 20, 16 timers in flight, a machine at load 10:
 * setTimeout(20) waited 21.2 to 21.6 ms on average, setTimeout(19) 20.2 ms), which made the
 * benchmark's "20 ms per call" about 21. Whole-ms waits alternate between one ms less and the
 * time asked, so the mean is `ms` plus the machine's wake-up delay (20.6 to 20.8 ms there).
 */
export function sleepAbout(ms: number): Promise<void> {
  const whole = Number.isInteger(ms) && ms > 1;
  return sleep(whole && latencyTurn++ % 2 === 0 ? ms - 1 : ms);
}
