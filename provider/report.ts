/**
 * The live trust report: who can obtain credentials for which role. Reads the
 * account (never writes): every OIDC provider with its issuer, client IDs and
 * fingerprints; every role whose trust policy names a Federated principal,
 * with the issuers, audiences and subjects each grant admits (checked token by
 * token with the trust simulator), its attached policies and whether a given
 * stack manages it; and who may log in to the CLI through official-cli.
 *
 * `npx alicloud-federation report` prints it (`--json` for CI); the JSON
 * follows `trustReportSchema`, published as docs/trust-report.schema.json.
 * Credentials and endpoint come from the usual places (provider/settings.ts):
 * `ALICLOUD_FEDERATION_ENDPOINT` for the emulator, the Alibaba Cloud
 * credential chain otherwise.
 */
import { type Session, session } from "./client/session";
import { scanAccount } from "./inventory";
import { OFFICIAL_CLI_APP_IDS } from "./officialCli";
import type { TrustReport } from "./reportSchema";
import { isSecretWire } from "./secretWire";
import {
  arnKey,
  caseOnlyArnProblems,
  describeGrant,
  type FederatedGrant,
  grantAdmitsAnyWorkload,
} from "./trust/admits";
import { evaluateTrust } from "./trust/evaluate";
import { isAdministratorLevel } from "./trust/privilege";

export { type TrustReport, trustReportJsonSchema, trustReportSchema } from "./reportSchema";

/** What a stack manages, by kind. Names compared as RAM compares them. */
export interface ManagedSet {
  oidcProviders: string[];
  roles: string[];
  /** `user:<name>` or `role:<name>` (users by RAM user name). */
  assignments: string[];
  /**
   * How many managed names the state holds only encrypted (Pulumi secrets, exported without
   * `--show-secrets`): the objects they name cannot be matched, and show as unmanaged.
   */
  encrypted?: number;
}

/**
 * A state value as text: itself, or a Pulumi secret's plaintext (`pulumi stack export
 * --show-secrets` writes it JSON-encoded); `null` for a secret exported encrypted; `undefined`
 * for anything else.
 */
function textOf(v: unknown): string | null | undefined {
  if (typeof v === "string") return v;
  if (!isSecretWire(v)) return undefined;
  const plaintext = (v as { plaintext?: unknown }).plaintext;
  if (typeof plaintext !== "string") return null;
  try {
    const value = JSON.parse(plaintext);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

type StateResource = { type?: string; outputs?: Record<string, unknown> };

/**
 * The objects a stack manages, from its state: the JSON of `pulumi stack
 * export`, or a file backend's checkpoint file.
 */
export function managedFromState(state: unknown): ManagedSet {
  const root = state as {
    deployment?: { resources?: StateResource[] };
    checkpoint?: { latest?: { resources?: StateResource[] } };
  };
  const resources = root?.deployment?.resources ?? root?.checkpoint?.latest?.resources;
  if (!Array.isArray(resources))
    throw new Error("not a Pulumi stack state: expected `pulumi stack export` output or a checkpoint file");
  const out: ManagedSet = { oidcProviders: [], roles: [], assignments: [] };
  let encrypted = 0;
  /** `value` as text, counting one that is encrypted. */
  const named = (...values: unknown[]): string | undefined => {
    let sawEncrypted = false;
    for (const v of values) {
      const t = textOf(v);
      if (typeof t === "string") return t;
      if (t === null) sawEncrypted = true;
    }
    if (sawEncrypted) encrypted++;
    return undefined;
  };
  for (const r of resources) {
    const type = r.type ?? "";
    const o = r.outputs ?? {};
    if (!type.startsWith("pulumi-nodejs:dynamic/alicloud-federation:")) continue;
    if (type.endsWith(":OidcProvider")) {
      const name = named(o.oidcProviderName);
      if (name !== undefined) out.oidcProviders.push(name);
    } else if (type.endsWith(":OidcRole")) {
      const name = named(o.roleName);
      if (name !== undefined) out.roles.push(name);
    } else if (type.endsWith(":ApplicationAssignment")) {
      const principalType = named(o.principalType);
      const name = named(o.assignedPrincipalName, o.principalName);
      if (principalType !== undefined && name !== undefined)
        out.assignments.push(assignmentKeyOf(principalType, name));
    }
  }
  if (encrypted > 0) out.encrypted = encrypted;
  return out;
}

const assignmentKeyOf = (type: string, name: string) => {
  const t = type.toLowerCase();
  const n = name.toLowerCase();
  return `${t}:${t === "user" ? (n.split("@")[0] ?? n) : n}`;
};

/** A one-off read: twice the provider's concurrency, still far from RAM's API rate limits. */
export const REPORT_CONCURRENCY = 16;

export interface TrustReportOptions {
  /** A session (tests); default: the settings of this process (environment, credential chain). */
  session?: Session;
  /** What the current stack manages; omitted: `managed` is null everywhere. */
  managed?: ManagedSet;
  /** official-cli AppIds whose assignments to list. Default: both sites'. */
  cliAppIds?: string[];
  /** Per-role calls in flight at once: 1 to 64, default 16. */
  concurrency?: number;
  /** Exact subjects checked per grant with the simulator, at most. Default 20. */
  maxChecks?: number;
}

/** Reads the account and builds the report. Read-only. */
export async function trustReport(opts: TrustReportOptions = {}): Promise<TrustReport> {
  let calls = 0;
  const base = opts.session ?? session();
  // Counts every attempt the clients make, so the report states its own cost.
  const counting = <T extends object>(client: T): T =>
    new Proxy(client, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          if (String(prop).endsWith("WithOptions") || prop === "callApi") calls++;
          return value.apply(target, args);
        };
      },
    });
  const s: Session = { ...base, ims: counting(base.ims), ram: counting(base.ram) };
  const concurrency = opts.concurrency ?? REPORT_CONCURRENCY;
  const appIds = opts.cliAppIds ?? [...new Set(Object.values(OFFICIAL_CLI_APP_IDS))].sort();
  const scan = await scanAccount(s, {
    providers: true,
    roles: true,
    appIds,
    concurrency,
    withPolicies: true,
  });
  const m = opts.managed;
  const has = (list: string[] | undefined, v: string, fold: boolean) =>
    m === undefined ? null : (list ?? []).some((x) => (fold ? x.toLowerCase() === v.toLowerCase() : x === v));
  const byArn = new Map(scan.providers.map((p) => [arnKey(p.arn), p]));
  const providerArns = scan.providers.map((p) => p.arn);
  const maxChecks = opts.maxChecks ?? 20;

  const roles = scan.federatedRoles.map((r) => {
    const cased = caseOnlyArnProblems(r.trust, providerArns);
    const role = {
      roleName: r.roleName,
      arn: r.arn,
      managed: has(m?.roles, r.roleName, true),
      determined: r.trust.determined && cased.length === 0,
      problems: [...r.trust.problems, ...cased],
      denyStatements: r.trust.denyStatements,
      grants: r.trust.grants.map((g) =>
        grantReport(g, r.trustPolicy, byArn.get(arnKey(g.principal)), maxChecks),
      ),
      policies: (r.policies ?? []).map((p) => ({ type: p.policyType, name: p.policyName })),
    };
    return { ...role, dangers: dangersOf(role) };
  });
  const oidcProviders = scan.providers.map((p) => ({
    name: p.name,
    arn: p.arn,
    issuerUrl: p.issuerUrl,
    clientIds: p.clientIds,
    fingerprints: p.fingerprints,
    managed: has(m?.oidcProviders, p.name, false),
    trustedBy: roles
      .filter((r) => r.grants.some((g) => arnKey(g.principal) === arnKey(p.arn)))
      .map((r) => r.roleName),
  }));
  const cliAssignments = appIds.flatMap((appId) =>
    (scan.assignments[appId] ?? []).map((a) => ({
      appId,
      principalType: a.principalType,
      principalName: a.principalName,
      managed:
        m === undefined ? null : m.assignments.includes(assignmentKeyOf(a.principalType, a.principalName)),
    })),
  );
  return {
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    endpoint: process.env.ALICLOUD_FEDERATION_ENDPOINT || "alibaba-cloud",
    oidcProviders,
    roles,
    cliAssignments,
    counts: { roles: scan.roleCount, federatedRoles: roles.length, apiCalls: calls },
  };
}

function grantReport(
  g: FederatedGrant,
  trustPolicy: string,
  provider: { name: string; arn: string; issuerUrl: string; clientIds: string[] } | undefined,
  maxChecks: number,
): TrustReport["roles"][number]["grants"][number] {
  const checks: TrustReport["roles"][number]["grants"][number]["checks"] = [];
  if (provider && g.kind === "oidc") {
    const audiences = g.audiences.equals.length > 0 ? g.audiences.equals : provider.clientIds;
    for (const subject of g.subjects.equals.slice(0, maxChecks))
      for (const audience of audiences) {
        const d = evaluateTrust({
          policy: trustPolicy,
          providerArn: provider.arn,
          claims: { iss: provider.issuerUrl, aud: audience, sub: subject },
        });
        const accepted = provider.clientIds.includes(audience);
        checks.push({
          subject,
          audience,
          allowed: d.allowed && accepted,
          outcome: !accepted
            ? "refused"
            : d.outcome === "allowed" || d.outcome === "undetermined"
              ? d.outcome
              : "refused",
          reason: accepted
            ? d.reason
            : `'${audience}' is not a client ID of ${provider.name}: STS refuses the token`,
        });
      }
  }
  return {
    statement: g.statement,
    principal: g.principal,
    kind: g.kind,
    provider: provider?.name ?? null,
    issuers: g.issuers,
    audiences: g.audiences,
    subjects: g.subjects,
    anySubject: g.anySubject,
    anyWorkload: grantAdmitsAnyWorkload(g, provider?.issuerUrl) ?? null,
    otherConditions: g.otherConditions,
    refusedAudiences: provider ? g.audiences.equals.filter((a) => !provider.clientIds.includes(a)) : [],
    checks,
    summary: describeGrant(g, provider?.issuerUrl),
  };
}

type RoleReport = TrustReport["roles"][number];

/** Whether any grant of the role admits any workload of its issuer (any subject, any repository...). */
const admitsAny = (role: Pick<RoleReport, "grants">) =>
  role.grants.some((g) => g.anySubject || g.anyWorkload !== null);

/** The role's dangerous combinations: an administrator-level policy beside a trust that is too wide, unknown or unowned. */
function dangersOf(role: Omit<RoleReport, "dangers">): string[] {
  const admin = role.policies.filter(isAdministratorLevel).map((p) => p.name);
  if (admin.length === 0) return [];
  const holds = `holds ${admin.join(" and ")}`;
  const out: string[] = [];
  if (admitsAny(role)) out.push(`${holds} and admits any workload of its issuer`);
  if (!role.determined) out.push(`${holds} and its trust could not be fully determined`);
  if (role.managed === false) out.push(`${holds} and no stack manages it`);
  return out;
}

/**
 * What `report --fail-on <kinds>` finds, one line each (empty: the gate passes). `unmanaged`
 * counts providers, roles and CLI assignments no stack manages (managed === false).
 */
export function failOnFindings(r: TrustReport, kinds: readonly string[]): string[] {
  const out: string[] = [];
  const on = (k: string) => kinds.includes(k);
  if (on("unmanaged")) {
    for (const p of r.oidcProviders) if (p.managed === false) out.push(`unmanaged: OIDC provider ${p.name}`);
    for (const role of r.roles) if (role.managed === false) out.push(`unmanaged: role ${role.roleName}`);
    for (const a of r.cliAssignments)
      if (a.managed === false) out.push(`unmanaged: CLI login of ${a.principalType} ${a.principalName}`);
  }
  for (const role of r.roles) {
    if (on("any-workload"))
      for (const g of role.grants)
        if (g.anySubject || g.anyWorkload !== null)
          out.push(
            `any-workload: role ${role.roleName} admits ${g.anyWorkload?.words ?? "any subject"} of ${g.provider ?? g.principal}`,
          );
    if (on("undetermined") && !role.determined)
      out.push(
        `undetermined: role ${role.roleName}: ${role.problems.join("; ") || "its trust could not be decided"}`,
      );
    if (on("admin"))
      for (const p of role.policies.filter(isAdministratorLevel))
        out.push(`admin: role ${role.roleName} holds ${p.name}`);
    if (on("dangerous")) for (const d of role.dangers) out.push(`dangerous: role ${role.roleName} ${d}`);
  }
  return out;
}

const mark = (managedFlag: boolean | null) =>
  managedFlag === null ? "" : managedFlag ? "  [managed by this stack]" : "  [NOT managed by this stack]";

/** How a token check reads in the text report. */
const CHECK_WORD = { allowed: "ALLOWS", refused: "refuses", undetermined: "UNDETERMINED for" } as const;

/** The report for a person: per provider, who can obtain credentials for which role. */
export function formatTrustReport(r: TrustReport): string {
  const out: string[] = [];
  out.push(`Federation trust report (${r.endpoint}, ${r.generatedAt})`);
  out.push(
    `${r.oidcProviders.length} OIDC provider(s), ${r.counts.federatedRoles} of ${r.counts.roles} role(s) trust a federated principal, ${r.cliAssignments.length} CLI login assignment(s); ${r.counts.apiCalls} API calls.`,
  );
  const roleLines = (role: TrustReport["roles"][number], only?: string) => {
    const lines = [`    role ${role.roleName}${mark(role.managed)}`, `      arn: ${role.arn}`];
    for (const g of role.grants) {
      if (only !== undefined && arnKey(g.principal) !== arnKey(only)) continue;
      if (only === undefined) lines.push(`      trusts ${g.principal}`);
      lines.push(
        `      issuer: ${g.issuers.length === 0 ? "any (the provider's)" : g.issuers.join(", ")}`,
        `      audiences: ${fmtMatch(g.audiences, "any")}`,
        `      subjects: ${g.anySubject ? `${loudly(g.anyWorkload?.words ?? "any subject")} of the issuer` : fmtMatch(g.subjects, "any")}`,
      );
      if (g.anyWorkload !== null && !g.anySubject)
        lines.push(`      admits ${loudly(g.anyWorkload.words)} of the issuer: ${g.anyWorkload.reason}`);
      for (const c of g.otherConditions) lines.push(`      and: ${c}`);
      for (const a of g.refusedAudiences)
        lines.push(`      note: audience '${a}' is not a client ID: STS refuses it`);
      for (const c of g.checks)
        lines.push(
          `      ${CHECK_WORD[c.outcome ?? (c.allowed ? "allowed" : "refused")]} sub=${c.subject} aud=${c.audience}${c.allowed ? "" : ` (${c.reason})`}`,
        );
    }
    for (const p of role.problems) lines.push(`      UNDETERMINED: ${p}`);
    if (role.denyStatements > 0) lines.push(`      minus ${role.denyStatements} Deny statement(s)`);
    lines.push(
      `      policies: ${role.policies.length === 0 ? "none" : role.policies.map((p) => `${p.name} (${p.type}${isAdministratorLevel(p) ? ", ADMINISTRATOR-LEVEL" : ""})`).join(", ")}`,
    );
    for (const d of role.dangers) lines.push(`      DANGER: ${d}`);
    return lines;
  };
  for (const p of r.oidcProviders) {
    out.push("", `OIDC provider ${p.name}${mark(p.managed)}`);
    out.push(`  issuer: ${p.issuerUrl}`, `  client IDs: ${p.clientIds.join(", ") || "none"}`);
    out.push(`  fingerprints: ${p.fingerprints.join(", ") || "none"}`);
    const trusting = r.roles.filter((role) => role.grants.some((g) => arnKey(g.principal) === arnKey(p.arn)));
    out.push(trusting.length === 0 ? "  no role trusts it" : `  roles whose trust admits its tokens:`);
    for (const role of trusting) out.push(...roleLines(role, p.arn));
  }
  const known = new Set(r.oidcProviders.map((p) => arnKey(p.arn)));
  const others = r.roles.filter(
    (role) => role.grants.some((g) => !known.has(arnKey(g.principal))) || role.grants.length === 0,
  );
  if (others.length > 0) {
    out.push(
      "",
      "Roles trusting other federated principals (SAML, providers not in the account, or unreadable):",
    );
    for (const role of others) out.push(...roleLines(role));
  }
  out.push("", `CLI login (official-cli): ${r.cliAssignments.length === 0 ? "nobody assigned" : ""}`);
  for (const a of r.cliAssignments)
    out.push(`  ${a.principalType} ${a.principalName} (app ${a.appId})${mark(a.managed)}`);
  return `${out.join("\n")}\n`;
}

/** `any repository` → `ANY repository`: the word a reader must not miss. */
const loudly = (words: string) => words.replace(/^any /, "ANY ");

function fmtMatch(m: { equals: string[]; like: string[] }, none: string): string {
  const parts = [...m.equals, ...m.like.map((p) => `${p} (pattern)`)];
  return parts.length === 0 ? none : parts.join(", ");
}
