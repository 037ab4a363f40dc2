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
