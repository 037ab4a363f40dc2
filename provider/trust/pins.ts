/**
 * Judging an OIDC provider's pinned fingerprints against its issuer's live, verified chain
 * (provider/trust/discovery.ts), the way STS is observed to compare them (docs/alibaba-api.md
 * §6.6): a pin counts when it is a certificate from the presented intermediates up to and
 * including the trust anchor. Pure: the chain and the clock come in, verdicts go out.
 *
 * - no pin counts: logins fail today, so `check` fails;
 * - no pin is the anchor: logins fail at the issuer's next intermediate rotation (the 2026-05-13
 *   GitHub incident), so preview warns;
 * - a pinned certificate expires within {@link EXPIRY_WARNING_DAYS} days: preview warns.
 */
import type { ChainCertificate } from "./discovery";

/** How close to a pinned certificate's expiry preview starts warning. */
export const EXPIRY_WARNING_DAYS = 30;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What a judged set of pins means for logins. */
export interface PinVerdict {
  /** Set when no pin matches the live chain: STS refuses every token today. */
  failure?: string;
  /** Each a full sentence naming the pins concerned. */
  warnings: string[];
}

const day = (iso: string) => iso.slice(0, 10);

/** `<sha1> (the intermediate 'CN=…', expires 2027-01-01)`, or why the pin matches nothing. */
export function describePin(pin: string, chain: readonly ChainCertificate[]): string {
  const cert = chain.find((c) => c.fingerprint === pin);
  if (!cert) return `${pin} (not a certificate of the live chain)`;
  if (cert.role === "leaf")
    return `${pin} (the server's own leaf certificate '${cert.subject}', which STS does not compare and which is renewed every few months)`;
  return `${pin} (the ${cert.role} '${cert.subject}', expires ${day(cert.notAfter)})`;
}

/** The chain's certificates STS compares, described for a message. */
function describeChain(chain: readonly ChainCertificate[]): string {
  return chain
    .filter((c) => c.role !== "leaf")
    .map((c) => `${c.role} ${c.fingerprint} '${c.subject}' (expires ${day(c.notAfter)})`)
    .join(", ");
}

/**
 * Judges `pins` (normalized: 40 lower-case hex digits) against the live `chain` (leaf first,
 * anchor last) of `host:port`, as of `now` (epoch ms).
 */
export function judgePins(
  pins: readonly string[],
  live: { chain: readonly ChainCertificate[]; recommended: readonly string[]; host: string; port: number },
  now: number,
): PinVerdict {
  const { chain } = live;
  const pinnable = chain.filter((c) => c.role !== "leaf");
  const matched = pinnable.filter((c) => pins.includes(c.fingerprint));
  const described = pins.map((p) => describePin(p, chain)).join("; ");
  if (matched.length === 0) {
    return {
      failure:
        // What to do first: the pins and chains described after it run to several hundred characters.
        `Pin ${live.recommended.join(", ")} (the anchor and the current intermediate), or omit fingerprints to have ` +
        `them discovered: none of the pinned ones is a certificate of the chain ${live.host}:${live.port} presents up to ` +
        "its trust anchor, so STS refuses every token from this issuer today " +
        `(AuthenticationFail.OIDCToken.PublicKeyFingerprintMismatch). Pinned: ${described}. The live chain: ${describeChain(chain)}`,
      warnings: [],
    };
  }
  const warnings: string[] = [];
  const anchor = chain[chain.length - 1];
  if (anchor && !matched.some((c) => c.role === "anchor")) {
    warnings.push(
      "no pinned fingerprint is the trust anchor of the live chain, so logins are one intermediate rotation " +
        `away from failing with PublicKeyFingerprintMismatch. Pinned: ${described}. ` +
        `Add the anchor ${anchor.fingerprint} '${anchor.subject}' (expires ${day(anchor.notAfter)}); see the README's "Certificate rotation"`,
    );
  }
  for (const cert of matched) {
    const left = Date.parse(cert.notAfter) - now;
    if (left > EXPIRY_WARNING_DAYS * DAY_MS) continue;
    const others = matched.filter(
      (c) => c !== cert && Date.parse(c.notAfter) - now > EXPIRY_WARNING_DAYS * DAY_MS,
    );
    const days = Math.max(0, Math.floor(left / DAY_MS));
    warnings.push(
      `the pinned ${cert.role} ${cert.fingerprint} '${cert.subject}' expires on ${day(cert.notAfter)}, in ${days} days: ` +
        (others.length > 0
          ? `logins keep working through the other pin${others.length > 1 ? "s" : ""} (${others.map((c) => c.fingerprint).join(", ")}); add its successor when the issuer publishes it`
          : "no other pin outlives it, so add the certificate that replaces it before then or STS refuses every token"),
    );
  }
  return { warnings };
}
