/**
 * Pulumi's wire form of a secret value: an object whose signature key holds the secret signature
 * and, beside it, `value` (from a program or a provider), `plaintext` (the value as JSON, in
 * `pulumi stack export --show-secrets`) or `ciphertext` (in state). It is the "secret" special
 * object of Pulumi's property values:
 * https://pulumi-developer-docs.readthedocs.io/latest/docs/architecture/deployment-schema.html
 * The engine keeps the mark on what a provider returns from create, read and update even when the
 * provider, like every dynamic provider, takes no secrets in, and stores such a value encrypted.
 */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";

/** The signature that marks a secret (under {@link SECRET_SIG_KEY}). */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Whether `v` is a value in Pulumi's secret wire form (any of its three shapes). */
export function isSecretWire(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG;
}

/** `value` in Pulumi's secret wire form, as a provider returns it. */
export function asSecretWire(value: unknown): Record<string, unknown> {
  return { [SECRET_SIG_KEY]: SECRET_SIG, value };
}
