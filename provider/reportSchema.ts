/**
 * The trust report's JSON shape, as a zod schema. Built on first use, not when the package is
 * loaded: a Pulumi program imports the package for its resource classes, and building this schema
 * at load time loaded zod (every locale included, about 45 ms of CPU) into every program.
 */
import type { z } from "zod";
import { lazyRules, zod } from "./validation";

type Zod = typeof z;

function build(z: Zod) {
  const claimMatch = z
    .object({
      equals: z.array(z.string()).describe("Exact values (StringEquals)."),
      like: z.array(z.string()).describe("Patterns with * and ? (StringLike)."),
    })
    .strict()
    .describe("Values a claim must match; both lists empty: any value.");

  const tokenCheck = z
    .object({
      subject: z.string(),
      audience: z.string(),
      allowed: z
        .boolean()
        .describe("What the trust simulator decides for a token with the provider's issuer."),
      outcome: z
        .enum(["allowed", "refused", "undetermined"])
        .optional()
        .describe(
          "allowed; refused; or undetermined: the policy might let the token in, and allowed is false only because nothing could decide it. Absent from reports written before it was added.",
        ),
      reason: z.string(),
    })
    .strict();

  const grantSchema = z
    .object({
      statement: z.number().int().describe("1-based statement in canonical order."),
      principal: z.string().describe("The Federated principal as written in the trust policy."),
      kind: z.enum(["oidc", "saml", "other"]),
      provider: z.string().nullable().describe("The OIDC provider's name when it exists in the account."),
      issuers: z.array(z.string()).describe("oidc:iss values; empty: any issuer the provider accepts."),
      audiences: claimMatch,
      subjects: claimMatch,
      anySubject: z.boolean().describe("True when every subject of the issuer is admitted."),
      anyWorkload: z
        .object({
          words: z
            .string()
            .describe(
              "In the issuer's words: 'any repository', 'any project', 'any service account', 'any subject'.",
            ),
          reason: z
            .string()
            .describe("Why: no subject condition, or the pattern that does not pin one workload."),
        })
        .strict()
        .nullable()
        .describe(
          "Set when the grant admits any workload of its issuer (its subject condition does not pin one repository, project, service account); null when every subject alternative pins one.",
        ),
      otherConditions: z.array(z.string()),
      refusedAudiences: z
        .array(z.string())
        .describe("Admitted audiences that are not client IDs of the provider: STS refuses such tokens."),
      checks: z
        .array(tokenCheck)
        .describe("Each exact subject and audience, run through the trust simulator."),
      summary: z.string(),
    })
    .strict();

  const managed = z
    .boolean()
    .nullable()
    .describe("Whether the given stack manages it; null when no stack was given.");

  const roleSchema = z
    .object({
      roleName: z.string(),
      arn: z.string(),
      managed,
      determined: z.boolean().describe("False when the policy could not be fully read: see problems."),
      problems: z.array(z.string()),
      denyStatements: z.number().int(),
      grants: z.array(grantSchema),
      policies: z.array(z.object({ type: z.enum(["System", "Custom"]), name: z.string() }).strict()),
      dangers: z
        .array(z.string())
        .describe(
          "Dangerous combinations: an administrator-level policy on a role that admits any workload, has undetermined trust, or is not managed by the given stack.",
        ),
    })
    .strict();

  const providerSchema = z
    .object({
      name: z.string(),
      arn: z.string(),
      issuerUrl: z.string(),
      clientIds: z.array(z.string()),
      fingerprints: z.array(z.string()),
      managed,
      trustedBy: z.array(z.string()).describe("Names of the roles whose grants name this provider."),
    })
    .strict();

  const assignmentSchema = z
    .object({
      appId: z.string(),
      principalType: z
        .string()
        .describe(
          "user or role; any other value is a principal type the list gave that this library does not read (never managed, never removed).",
        ),
      principalName: z.string(),
      managed,
    })
    .strict();

  return z
    .object({
      schemaVersion: z.literal(1),
      generatedAt: z.string().describe("ISO-8601 time the account was read."),
      endpoint: z.string().describe("Where the APIs were called: an override, or 'alibaba-cloud'."),
      oidcProviders: z.array(providerSchema),
      roles: z.array(roleSchema).describe("Roles whose trust policy names a Federated principal."),
      cliAssignments: z.array(assignmentSchema).describe("Who may log in to the CLI through official-cli."),
      counts: z
        .object({ roles: z.number().int(), federatedRoles: z.number().int(), apiCalls: z.number().int() })
        .strict(),
    })
    .strict()
    .describe("alicloud-federation trust report");
}

/** The schema, built on first use. @internal */
export const reportSchema = lazyRules(build);

/** The `--json` output of `alicloud-federation report`. */
export type TrustReport = z.infer<ReturnType<typeof build>>;

/**
 * The zod schema of the `--json` output of `alicloud-federation report` (and of `trustReport()`);
 * built the first time it is read.
 */
export declare const trustReportSchema: ReturnType<typeof build>;
Object.defineProperty(exports, "trustReportSchema", { enumerable: true, get: reportSchema });

/** The JSON Schema (draft 2020-12) of the `--json` output, as published in docs/trust-report.schema.json. */
export function trustReportJsonSchema(): Record<string, unknown> {
  return {
    ...zod().toJSONSchema(reportSchema()),
    title: "alicloud-federation trust report",
  };
}
