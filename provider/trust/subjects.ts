/**
 * THE definition of "pins the workload", in one place: `OidcRole`'s `check()`, the trust
 * simulator's explanation (`evaluateTrust`), the presets, `FederationInventory` and the trust
 * report all ask {@link admitsAnyWorkload} (or, per pattern, {@link unpinnedSubjectReason}).
 *
 * Does a `sub` pattern pin the workload its issuer identifies? A pattern that does not trusts
 * workloads of other people on the same issuer, so `OidcRole` refuses it unless
 * `allowAnySubject: true` says that is intended.
 *
 * What "the workload" is depends on the issuer's subject grammar:
 * - GitHub Actions, `repo:<owner>/<name>:<context>`: the owner and the repository name
 *   (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect);
 * - GitLab CI, `project_path:<group>[/<subgroup>...]/<project>:<context>`: the whole project path
 *   (https://docs.gitlab.com/ci/secrets/id_token_authentication/);
 * - ACK RRSA, `system:serviceaccount:<namespace>:<name>`: the namespace and the service account
 *   (https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/use-rrsa-to-authorize-pods-to-access-different-cloud-services).
 * The grammar is chosen by the issuer when it is known, else by the pattern's own prefix. For any
 * other issuer a pattern must at least start with a literal: one that starts with `*` or `?`
 * matches subjects of every shape.
 */

const WILD = /[*?]/;

type Grammar = "github" | "gitlab" | "ack" | "authing" | "other";

function hostOf(issuerUrl: string | undefined): string {
  if (!issuerUrl) return "";
  try {
    return new URL(issuerUrl).hostname.toLowerCase();
  } catch {
    return "";
  }
}

function grammarOf(pattern: string | undefined, issuerUrl: string | undefined): Grammar {
  const host = hostOf(issuerUrl);
  if (host === "token.actions.githubusercontent.com") return "github";
  if (host === "gitlab.com") return "gitlab";
  if (/^oidc-ack-[a-z0-9-]+\.oss-[a-z0-9-]+\.aliyuncs\.com$/.test(host)) return "ack";
  // Authing's subjects are opaque user IDs: pinned like any other issuer's, named in its words.
  if (host.endsWith(".authing.cn")) return "authing";
  if (pattern?.startsWith("repo:")) return "github";
  if (pattern?.startsWith("project_path:")) return "gitlab";
  if (pattern?.startsWith("system:serviceaccount:")) return "ack";
  return "other";
}

/** Why the pattern does not pin one workload, or undefined when it does. */
export function unpinnedSubjectReason(pattern: string, issuerUrl?: string): string | undefined {
  if (!WILD.test(pattern)) return undefined;
  switch (grammarOf(pattern, issuerUrl)) {
    case "github":
      // Owner and name may hold neither wildcards nor the separators; the ':' after them is literal.
      return /^repo:[^*?/:]+\/[^*?/:]+:/.test(pattern)
        ? undefined
        : `'${pattern}' does not pin one GitHub repository: subjects are repo:<owner>/<name>:…, and a wildcard in the owner or name trusts other people's repositories`;
    case "gitlab":
      return /^project_path:[^*?/:]+(\/[^*?/:]+)+:/.test(pattern)
        ? undefined
        : `'${pattern}' does not pin one GitLab project: subjects are project_path:<group>/<project>:…, and a wildcard in the path trusts other projects`;
    case "ack":
      return `'${pattern}' does not pin one Kubernetes service account: ACK RRSA subjects are system:serviceaccount:<namespace>:<name>, so list the exact subject`;
    default:
      return WILD.test(pattern[0] ?? "")
        ? `'${pattern}' starts with a wildcard, so it matches subjects of any shape`
        : undefined;
  }
}

/** What a grant that does not pin the workload admits, in the issuer's own words. */
export interface AnyWorkload {
  /** `any repository` (GitHub), `any project` (GitLab), `any service account` (ACK RRSA), else `any subject`. */
  words: string;
  /** Why: no subject condition, or the first pattern that does not pin one workload. */
  reason: string;
}

/** The issuer's own word for one workload. */
function workloadNoun(grammar: Grammar): string {
  switch (grammar) {
    case "github":
      return "repository";
    case "gitlab":
      return "project";
    case "ack":
      return "service account";
    case "authing":
      return "user";
    default:
      return "subject";
  }
}

/**
 * Does a subject condition admit any workload of its issuer? Exact subjects (`StringEquals`)
 * each name one workload; a pattern (`StringLike`) pins one only when {@link unpinnedSubjectReason}
 * says so; no subject condition at all admits every subject. The alternatives are ORed, so one
 * unpinned pattern is enough. `issuerUrl` picks the grammar; several issuers (a grant with more
 * than one `oidc:iss`) are each tried, and any that is not pinned decides.
 *
 * Returns undefined when every alternative pins one workload.
 */
export function admitsAnyWorkload(
  subjects: { readonly equals?: readonly string[]; readonly like?: readonly string[] },
  issuerUrl?: string | readonly string[],
): AnyWorkload | undefined {
  const issuers: Array<string | undefined> =
    issuerUrl === undefined || issuerUrl.length === 0
      ? [undefined]
      : typeof issuerUrl === "string"
        ? [issuerUrl]
        : [...issuerUrl];
  const equals = subjects.equals ?? [];
  const like = subjects.like ?? [];
  for (const issuer of issuers) {
    if (equals.length === 0 && like.length === 0) {
      const words = `any ${workloadNoun(grammarOf(undefined, issuer))}`;
      return { words, reason: `no subject condition: ${words} of the issuer may assume the role` };
    }
    for (const p of like) {
      const why = unpinnedSubjectReason(p, issuer);
      if (why !== undefined) return { words: `any ${workloadNoun(grammarOf(p, issuer))}`, reason: why };
    }
  }
  return undefined;
}
