import * as pulumi from "@pulumi/pulumi";

/**
 * The names of the arguments that are Pulumi secrets or hold one anywhere inside (a secret in a
 * map of people, in a list of scopes). The provider process cannot tell: the dynamic provider host
 * hands it secrets as plain values. Every resource class passes these names as the input
 * `secretInputs`, so that a failing check masks those values in what it says (validation.ts
 * `secretMask`), and registers them so that the create, update or delete after it masks them too
 * (`forEngine`, `maskError`). The check keeps the names out of the inputs the engine stores.
 */
export function secretInputNames(args: object): pulumi.Output<string[]> {
  return pulumi.output(
    Promise.all(
      Object.entries(args).map(async ([name, value]) =>
        value !== undefined && value !== null && (await pulumi.isSecret(pulumi.output(value)))
          ? name
          : undefined,
      ),
    ).then((names) => names.filter((n): n is string => n !== undefined)),
  );
}

/** `props` with {@link secretInputNames} of its own values as `secretInputs`. */
export function withSecretInputs<P extends object>(props: P): P & { secretInputs: pulumi.Output<string[]> } {
  return { ...props, secretInputs: secretInputNames(props) };
}
