/**
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

type Grammar = "github" | "gitlab" | "ack" | "other";

function hostOf(issuerUrl: string | undefined): string {
  if (!issuerUrl) return "";
  try {
    return new URL(issuerUrl).hostname.toLowerCase();
  } catch {
    return "";
  }
}

function grammarOf(pattern: string, issuerUrl: string | undefined): Grammar {
  const host = hostOf(issuerUrl);
  if (host === "token.actions.githubusercontent.com") return "github";
  if (host === "gitlab.com") return "gitlab";
  if (/^oidc-ack-[a-z0-9-]+\.oss-[a-z0-9-]+\.aliyuncs\.com$/.test(host)) return "ack";
  if (pattern.startsWith("repo:")) return "github";
  if (pattern.startsWith("project_path:")) return "gitlab";
  if (pattern.startsWith("system:serviceaccount:")) return "ack";
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
