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
 * The grammar is chosen by the issuer when it is known. When it is not (a role given only a provider
 * ARN, a GitHub Enterprise Server or self-managed GitLab host, an inventory of roles alone), a
 * pattern must pin under every grammar above whose subjects it can match, fail safe: `rep?:*`
 * and `r*` can match `repo:…` subjects and are judged as GitHub's. A pattern that can match none
 * of them, or one for an issuer whose subjects have no such shape (Authing's and Okta's opaque user
 * IDs, Google's numbers), pins nothing with a wildcard: nothing says which part of the subject names
 * the workload, and `6*` is most of Authing's users. Such issuers are trusted by exact subjects.
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

/** The grammar an issuer's host names, or undefined for a host whose grammar we do not know. */
function issuerGrammar(issuerUrl: string | undefined): Grammar | undefined {
  const host = hostOf(issuerUrl);
  if (host === "token.actions.githubusercontent.com") return "github";
  if (host === "gitlab.com") return "gitlab";
  if (/^oidc-ack-[a-z0-9-]+\.oss-[a-z0-9-]+\.aliyuncs\.com$/.test(host)) return "ack";
  // Authing's subjects are opaque user IDs: only an exact one pins a user, named in its words.
  if (host.endsWith(".authing.cn")) return "authing";
  return undefined;
}

/** How each grammar with a fixed shape starts its subjects. */
const SUBJECT_PREFIX: ReadonlyArray<readonly [string, Grammar]> = [
  ["repo:", "github"],
  ["project_path:", "gitlab"],
  ["system:serviceaccount:", "ack"],
];

/**
 * Whether the RAM `StringLike` pattern (`*` any run of characters, `?` exactly one) matches some
 * string that starts with `prefix`: the pattern can consume the whole prefix, and whatever is left
 * of it can always match something.
 */
export function canMatchPrefix(pattern: string, prefix: string): boolean {
  const closure = (states: Set<number>) => {
    for (const i of states) if (pattern[i] === "*") states.add(i + 1);
    return states;
  };
  let states = closure(new Set([0]));
  for (const c of prefix) {
    const next = new Set<number>();
    for (const i of states) {
      if (i >= pattern.length) continue;
      if (pattern[i] === "*") next.add(i);
      else if (pattern[i] === "?" || pattern[i] === c) next.add(i + 1);
    }
    states = closure(next);
    if (states.size === 0) return false;
  }
  return true;
}

/**
 * The grammars a pattern is judged by: the issuer's (`known`) when there is one; else every
 * fixed-shape grammar whose subjects the pattern can match (fail safe), else `other`.
 */
function grammarsOf(pattern: string, known: Grammar | undefined): Grammar[] {
  if (known) return [known];
  const matched = SUBJECT_PREFIX.filter(([prefix]) => canMatchPrefix(pattern, prefix)).map(([, g]) => g);
  return matched.length > 0 ? matched : ["other"];
}

/** Why the pattern does not pin one workload of `grammar`, or undefined when it does. */
function unpinnedIn(pattern: string, grammar: Grammar): string | undefined {
  switch (grammar) {
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
    case "authing":
      return `'${pattern}' does not pin one Authing user: subjects are opaque user IDs, and a wildcard in one matches users nobody chose, so list the exact subject`;
    default:
      // No grammar says which part of such a subject names the workload, so no wildcard can be
      // shown to pin one: '6*' is every Authing or Okta user whose ID starts with 6.
      return WILD.test(pattern[0] ?? "")
        ? `'${pattern}' starts with a wildcard, so it matches subjects of any shape`
        : `'${pattern}' has a wildcard, and the issuer's subjects have no shape known here that says which workloads it admits, so list the exact subjects`;
  }
}

/** The first grammar the pattern does not pin a workload of, and why; undefined when it pins. */
function unpinned(
  pattern: string,
  issuerUrl: string | undefined,
): { grammar: Grammar; reason: string } | undefined {
  if (!WILD.test(pattern)) return undefined;
  const known = issuerGrammar(issuerUrl);
  // Unknown issuer and a leading wildcard: any shape at all, whatever grammars it also matches.
  if (!known && WILD.test(pattern[0] ?? ""))
    return { grammar: "other", reason: unpinnedIn(pattern, "other") as string };
  for (const grammar of grammarsOf(pattern, known)) {
    const reason = unpinnedIn(pattern, grammar);
    if (reason !== undefined) return { grammar, reason };
  }
  return undefined;
}

/** Why the pattern does not pin one workload, or undefined when it does. */
export function unpinnedSubjectReason(pattern: string, issuerUrl?: string): string | undefined {
  return unpinned(pattern, issuerUrl)?.reason;
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
      const words = `any ${workloadNoun(issuerGrammar(issuer) ?? "other")}`;
      return { words, reason: `no subject condition: ${words} of the issuer may assume the role` };
    }
    for (const p of like) {
      const why = unpinned(p, issuer);
      if (why !== undefined) return { words: `any ${workloadNoun(why.grammar)}`, reason: why.reason };
    }
  }
  return undefined;
}
