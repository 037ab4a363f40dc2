import * as pulumi from "@pulumi/pulumi";

/** Whether `value` is, or holds anywhere inside, a value that may resolve to a secret. */
function mayBeSecret(value: unknown, depth = 0): boolean {
  if (pulumi.Output.isInstance(value) || value instanceof Promise) return true;
  if (value && typeof value === "object" && depth < 8)
    for (const inner of Object.values(value)) if (mayBeSecret(inner, depth + 1)) return true;
  return false;
}

/**
 * The names of the arguments that are Pulumi secrets or hold one anywhere inside (a secret in a
 * map of people, in a list of scopes). The provider process cannot tell: the dynamic provider host
 * hands it secrets as plain values. Every resource class passes these names as the input
 * `secretInputs`, so that a failing check masks those values in what it says (validation.ts
 * `secretMask`), and registers them so that the create, update or delete after it masks them too
 * (`forEngine`, `maskError`). The check keeps the names out of the inputs the engine stores.
 * Only arguments that hold an Output or a promise are asked: plain values cannot be secrets, and
 * a program of plain values registers no extra output.
 */
export function secretInputNames(args: object): pulumi.Input<string[]> {
  const candidates = Object.entries(args).filter(([, value]) => mayBeSecret(value));
  if (candidates.length === 0) return [];
  return pulumi.output(
    Promise.all(
      candidates.map(async ([name, value]) =>
        (await pulumi.isSecret(pulumi.output(value))) ? name : undefined,
      ),
    ).then((names) => names.filter((n): n is string => n !== undefined)),
  );
}

/** `props` with {@link secretInputNames} of its own values as `secretInputs`. */
export function withSecretInputs<P extends object>(props: P): P & { secretInputs: pulumi.Input<string[]> } {
  return { ...props, secretInputs: secretInputNames(props) };
}
