/**
 * Deletes what live runs left behind: only objects whose name carries a live-run prefix
 * (`aflive-<yyyymmddhhmm>-<rand>-`, test/live/account.ts) made longer ago than `olderThanMs`,
 * never anything else. Dry run by default: it lists what it would delete. The objects, in the
 * order they must go: IDaaS federated credentials and providers and applications (with an EIAM
 * instance), IMS OAuth applications, RAM roles (their policies detached first), users, custom
 * policies (with their versions), IMS OIDC providers.
 */
import { prefixTime } from "./account";
import type { Product } from "./scenario";
import { type Answer, rawTransport, type Target } from "./target";

export interface SweepItem {
  kind: string;
  name: string;
  madeAt: string;
}

export interface SweepResult {
  candidates: SweepItem[];
  deleted: SweepItem[];
  failed: Array<SweepItem & { error: string }>;
}

type Call = (product: Product, action: string, params: object) => Promise<Answer>;

const list = (a: Answer, ...path: string[]): Array<Record<string, unknown>> => {
  if (!a.ok) throw new Error(`${a.code}: ${a.message}`);
  let v: unknown = a.body;
  for (const k of path) v = (v as Record<string, unknown> | undefined)?.[k];
  return Array.isArray(v) ? (v as Array<Record<string, unknown>>) : [];
};

/**
 * Every item of a Marker-paged list (RAM and IMS: `IsTruncated` and `Marker`), page by page: a
 * real account may hold more than one page, and a prefixed object on page two is still the run's.
 */
async function allPages(
  call: Call,
  product: Product,
  action: string,
  params: Record<string, unknown>,
  ...path: string[]
): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let marker: string | undefined;
  do {
    const page = await call(product, action, { ...params, ...(marker ? { Marker: marker } : {}) });
    items.push(...list(page, ...path));
    marker = page.ok && page.body.IsTruncated === true ? String(page.body.Marker ?? "") : undefined;
  } while (marker);
  return items;
}

export async function sweep(
  t: Target,
  opts: { olderThanMs: number; dryRun: boolean; onlyPrefix?: string; now?: Date },
): Promise<SweepResult> {
  const call: Call = rawTransport(t);
  const now = (opts.now ?? new Date()).getTime();
  const eligible = (name: string): boolean => {
    if (opts.onlyPrefix !== undefined && !name.startsWith(opts.onlyPrefix)) return false;
    const made = prefixTime(name);
    return made !== undefined && now - made.getTime() >= opts.olderThanMs;
  };
  const result: SweepResult = { candidates: [], deleted: [], failed: [] };
  const plan: Array<{ item: SweepItem; remove: () => Promise<void> }> = [];
  const add = (kind: string, name: string, remove: () => Promise<void>) => {
    if (!eligible(name)) return;
    const item = { kind, name, madeAt: prefixTime(name)?.toISOString() ?? "" };
    plan.push({ item, remove });
  };
  const must = async (p: Promise<Answer>, tolerate: RegExp = /^EntityNotExist/): Promise<void> => {
    const a = await p;
    if (!a.ok && !tolerate.test(a.code)) throw new Error(`${a.code}: ${a.message}`);
  };

  if (t.eiamInstanceId) {
    const I = { InstanceId: t.eiamInstanceId };
    for (const fcp of list(
      await call("eiam", "ListFederatedCredentialProviders", I),
      "FederatedCredentialProviders",
    )) {
      const id = String(fcp.FederatedCredentialProviderId);
      add("IDaaS federated credential provider", String(fcp.FederatedCredentialProviderName), async () => {
        const creds = list(
          await call("eiam", "ListApplicationFederatedCredentialsForProvider", {
            ...I,
            FederatedCredentialProviderId: id,
          }),
          "ApplicationFederatedCredentials",
        );
        for (const c of creds) {
          const ids = {
            ...I,
            ApplicationId: c.ApplicationId,
            ApplicationFederatedCredentialId: c.ApplicationFederatedCredentialId,
          };
          await must(
            call("eiam", "DisableApplicationFederatedCredential", ids),
            /^(EntityNotExist|OperationConflict)/,
          );
          await must(call("eiam", "DeleteApplicationFederatedCredential", ids));
        }
        await must(
          call("eiam", "DisableFederatedCredentialProvider", { ...I, FederatedCredentialProviderId: id }),
          /^(EntityNotExist|OperationConflict)/,
        );
        await must(
          call("eiam", "DeleteFederatedCredentialProvider", { ...I, FederatedCredentialProviderId: id }),
        );
      });
    }
    for (const app of list(await call("eiam", "ListApplications", { ...I, PageSize: 100 }), "Applications")) {
      const id = String(app.ApplicationId);
      add("IDaaS application", String(app.ApplicationName), () =>
        must(call("eiam", "DeleteApplication", { ...I, ApplicationId: id })),
      );
    }
  }
  for (const app of list(await call("ims", "ListApplications", {}), "Applications", "Application")) {
    const appId = String(app.AppId);
    add("IMS OAuth application", String(app.AppName), async () => {
      await must(
        call("ims", "DeprovisionApplication", { AppId: appId }),
        /^(EntityNotExist|Invalid|OperationConflict)/,
      );
      const secrets = list(
        await call("ims", "ListAppSecretIds", { AppId: appId }),
        "AppSecrets",
        "AppSecret",
      );
      for (const s of secrets)
        await must(call("ims", "DeleteAppSecret", { AppId: appId, AppSecretId: s.AppSecretId }));
      await must(call("ims", "DeleteApplication", { AppId: appId }));
    });
  }
  for (const role of await allPages(call, "ram", "ListRoles", { MaxItems: 1000 }, "Roles", "Role")) {
    const name = String(role.RoleName);
    add("RAM role", name, async () => {
      const attached = list(
        await call("ram", "ListPoliciesForRole", { RoleName: name }),
        "Policies",
        "Policy",
      );
      for (const p of attached) {
        await must(
          call("ram", "DetachPolicyFromRole", {
            RoleName: name,
            PolicyType: p.PolicyType,
            PolicyName: p.PolicyName,
          }),
        );
      }
      await must(call("ram", "DeleteRole", { RoleName: name }));
    });
  }
  for (const user of await allPages(call, "ims", "ListUsers", { MaxItems: 1000 }, "Users", "User")) {
    const upn = String(user.UserPrincipalName);
    add("user", upn, () => must(call("ims", "DeleteUser", { UserPrincipalName: upn })));
  }
  // Custom policies, after the roles that held them; CascadingDelete takes their other versions.
  for (const policy of await allPages(
    call,
    "ram",
    "ListPolicies",
    { PolicyType: "Custom", MaxItems: 1000 },
    "Policies",
    "Policy",
  )) {
    const name = String(policy.PolicyName);
    add("RAM policy", name, () =>
      must(call("ram", "DeletePolicy", { PolicyName: name, CascadingDelete: "true" })),
    );
  }
  for (const p of await allPages(
    call,
    "ims",
    "ListOIDCProviders",
    { MaxItems: 100 },
    "OIDCProviders",
    "OIDCProvider",
  )) {
    const name = String(p.OIDCProviderName);
    add("OIDC provider", name, () => must(call("ims", "DeleteOIDCProvider", { OIDCProviderName: name })));
  }

  result.candidates = plan.map((p) => p.item);
  if (opts.dryRun) return result;
  for (const { item, remove } of plan) {
    try {
      await remove();
      result.deleted.push(item);
    } catch (e) {
      result.failed.push({ ...item, error: (e as Error).message });
    }
  }
  return result;
}
