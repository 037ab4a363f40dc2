/**
 * Trust presets: typed builders for the subject grammar of common OIDC
 * issuers. Each validates what it is given and what it produces, and says so
 * (in `warnings`, shown at preview) when the result trusts more than one
 * workload.
 */
import { shortQuotes, UserError } from "../errors";
import type { SubjectConditions } from "./policy";
import { admitsAnyWorkload } from "./subjects";

/** What a preset contributes to an `OidcRole`. */
export interface TrustPreset {
  /** The issuer its tokens carry in `iss`. */
  issuerUrl: string;
  /** Accepted `aud` values. */
  audiences: string[];
  subjects: SubjectConditions;
  /**
   * True only when the result admits any workload of its issuer (`admitsAnyWorkload`) and the
   * preset's `allowAnySubject: true` acknowledged it; such a preset is refused otherwise.
   */
  allowAnySubject: boolean;
  /** Shown at preview: what the trust lets in beyond the obvious. */
  warnings: string[];
}

/**
 * How much of a preset's problems its error shows: the first `problems`, each at most `chars`
 * characters with quoted values cut. A preset is given whatever the program computes (5,000
 * environments, a 100,000-character repository), and the engine prints a program's error whole.
 */
export const PRESET_ERROR_SHOWN = { problems: 8, chars: 200 } as const;

/**
 * Thrown for invalid preset arguments; names every problem's field. `problems` holds them all; the
 * message says what to do first, then at most `PRESET_ERROR_SHOWN` of them.
 */
export class PresetError extends UserError {
  constructor(
    preset: string,
    readonly problems: string[],
  ) {
    const cut = (p: string) => {
      const short = shortQuotes(p);
      return short.length <= PRESET_ERROR_SHOWN.chars
        ? short
        : `${short.slice(0, PRESET_ERROR_SHOWN.chars - 1)}…`;
    };
    const shown = problems.slice(0, PRESET_ERROR_SHOWN.problems).map((p) => `  ${cut(p)}`);
    const rest = problems.length - shown.length;
    // A UserError: thrown while the program runs, it is printed as its message alone.
    super(
      problems.length === 1
        ? `trustPresets.${preset}: ${cut(problems[0] ?? "")}`
        : `trustPresets.${preset}: correct these ${problems.length} problems and run again:\n${shown.join("\n")}${
            rest > 0 ? `\n  ...and ${rest} more, not shown to keep this short` : ""
          }`,
    );
    this.name = "PresetError";
  }
}

const STS_AUDIENCE = "sts.aliyuncs.com";

/** What every preset accepts besides its issuer's own fields. */
export interface PresetAcknowledgement {
  /**
   * Accept a result that admits any workload of the issuer (any repository, project, service
   * account or user): without it such a preset is refused. It is then passed on to the role.
   */
  allowAnySubject?: boolean;
}

/**
 * The last step of every preset: the result is held to the one definition of "pins the workload"
 * (`admitsAnyWorkload`); one that does not pin is refused unless acknowledged, and said aloud when it is.
 */
function finish(
  preset: string,
  result: Omit<TrustPreset, "allowAnySubject">,
  ack: PresetAcknowledgement,
): TrustPreset {
  const any = admitsAnyWorkload(result.subjects, result.issuerUrl);
  if (any === undefined) return { ...result, allowAnySubject: false };
  if (ack.allowAnySubject !== true)
    throw new PresetError(preset, [
      `restrict it, or set allowAnySubject: true if ${any.words} of ${result.issuerUrl} may really assume the role: ${any.reason}`,
    ]);
  return {
    ...result,
    allowAnySubject: true,
    warnings: [...result.warnings, `admits ${any.words} of ${result.issuerUrl} (allowAnySubject: true)`],
  };
}

/**
 * A warning for each wildcard value, naming what it admits (`what` says it for one value:
 * "workflows on every branch matching 'release/*' of acme/app").
 */
function wildcardWarnings(
  field: string,
  values: readonly string[] | undefined,
  what: (v: string) => string,
): string[] {
  return (values ?? []).filter(hasGlob).map((v) => `${field}: '${v}' trusts ${what(v)}`);
}

/** "every branch" for `*`, else "every branch matching 'release/*'". */
const every = (noun: string, v: string) => (v === "*" ? `every ${noun}` : `every ${noun} matching '${v}'`);

/**
 * What git refuses in ref names (git check-ref-format), plus white space. `*`
 * and `?` are not here: in a preset they are wildcards.
 */
const BAD_REF = /[\s~^:[\\]|\.\.|@\{|\/\/|^\/|\/$|\.lock$|^-/;
const hasControlChar = (v: string) => [...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

function refProblems(field: string, values: readonly string[] | undefined, allowGlob: boolean): string[] {
  const out: string[] = [];
  (values ?? []).forEach((v, i) => {
    const where = `${field}[${i}]`;
    if (v === "") out.push(`${where}: must not be empty`);
    else if (v.startsWith("refs/"))
      out.push(
        `${where}: give the name only ('${v.replace(/^refs\/(heads|tags)\//, "")}'), not the full ref`,
      );
    else if (BAD_REF.test(v) || hasControlChar(v)) out.push(`${where}: '${v}' is not a valid git ref name`);
    else if (!allowGlob && v.includes("*")) out.push(`${where}: wildcards are not allowed here`);
  });
  return out;
}

const hasGlob = (s: string) => s.includes("*") || s.includes("?");

/** Splits values into exact subjects and StringLike patterns. */
function addSubject(target: { equals: string[]; like: string[] }, subject: string): void {
  (hasGlob(subject) ? target.like : target.equals).push(subject);
}

export interface GitHubActionsTrust extends PresetAcknowledgement {
  /** `owner/name`, exactly as GitHub spells it (the `sub` claim is case-sensitive). */
  repository: string;
  /** Branches whose workflows may assume the role (names, `*` allowed: `release/*`). */
  branches?: string[];
  /** Tags (names, `*` allowed: `v*`). */
  tags?: string[];
  /**
   * GitHub environments. A job that names an environment gets the
   * `environment:` subject instead of the `ref:` one, so list it here.
   */
  environments?: string[];
  /**
   * Allow `pull_request` workflows. Their token has the subject
   * `repo:<owner>/<name>:pull_request` whatever the branch, including pull
   * requests from forks when the workflow grants `id-token: write`.
   */
  pullRequests?: boolean;
  /** Any workflow of the repository, whatever its ref, environment or event. */
  anyRef?: boolean;
  /** Audience requested by the workflow. Default `sts.aliyuncs.com`. */
  audience?: string;
  /** GitHub Enterprise Cloud with a customized issuer: the enterprise slug. */
  enterpriseSlug?: string;
}

const GH_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GH_REPO = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * GitHub Actions. Subjects follow GitHub's grammar exactly:
 * `repo:<owner>/<name>:ref:refs/heads/<branch>`, `...:ref:refs/tags/<tag>`,
 * `...:environment:<name>`, `...:pull_request` (underscore, lower case).
 * @see https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/about-security-hardening-with-openid-connect
 */
export function githubActions(t: GitHubActionsTrust): TrustPreset {
  const problems: string[] = [];
  const [owner, name, ...rest] = t.repository.split("/");
  if (rest.length > 0 || !owner || !name) problems.push(`repository: '${t.repository}' must be owner/name`);
  else {
    if (!GH_OWNER.test(owner))
      problems.push(`repository: owner '${owner}' is not a valid GitHub account name`);
    if (!GH_REPO.test(name) || name === "." || name === "..")
      problems.push(
        `repository: '${name}' is not a valid repository name (letters, digits, '.', '-', '_'; at most 100)`,
      );
  }
  problems.push(...refProblems("branches", t.branches, true), ...refProblems("tags", t.tags, true));
  (t.environments ?? []).forEach((e, i) => {
    if (e.trim() === "" || e.length > 255) problems.push(`environments[${i}]: must be 1 to 255 characters`);
  });
  const chosen = (t.branches?.length ?? 0) + (t.tags?.length ?? 0) + (t.environments?.length ?? 0);
  if (chosen === 0 && !t.pullRequests && !t.anyRef)
    problems.push(
      "choose what may assume the role: branches, tags, environments, pullRequests or (broadly) anyRef",
    );
  if (t.enterpriseSlug !== undefined && !/^[a-z0-9-]+$/.test(t.enterpriseSlug))
    problems.push(`enterpriseSlug: '${t.enterpriseSlug}' must be lower-case letters, digits and '-'`);
  if (problems.length > 0) throw new PresetError("githubActions", problems);

  const prefix = `repo:${t.repository}`;
  const subjects = { equals: [] as string[], like: [] as string[] };
  const warnings: string[] = [];
  if (t.anyRef) {
    subjects.like.push(`${prefix}:*`);
    warnings.push(
      `trusts every workflow of ${t.repository}: any branch, tag, environment and pull_request event, including pull requests from forks whose workflow may request a token`,
    );
  } else {
    for (const b of t.branches ?? []) addSubject(subjects, `${prefix}:ref:refs/heads/${b}`);
    for (const tag of t.tags ?? []) addSubject(subjects, `${prefix}:ref:refs/tags/${tag}`);
    for (const e of t.environments ?? []) addSubject(subjects, `${prefix}:environment:${e}`);
    if (t.pullRequests) {
      subjects.equals.push(`${prefix}:pull_request`);
      warnings.push(
        `trusts pull_request workflows of ${t.repository}, whatever their branch, including pull requests from forks`,
      );
    }
    warnings.push(
      ...wildcardWarnings(
        "branches",
        t.branches,
        (b) =>
          `workflows on ${every("branch", b)} of ${t.repository}, including ones anyone with push access creates`,
      ),
      ...wildcardWarnings(
        "tags",
        t.tags,
        (tag) =>
          `workflows for ${every("tag", tag)} of ${t.repository}, including ones anyone with push access creates unless a tag ruleset protects them`,
      ),
      ...wildcardWarnings(
        "environments",
        t.environments,
        (e) =>
          `jobs in ${every("environment", e)} of ${t.repository}, including environments created later and ones without protection rules`,
      ),
    );
  }
  const issuerUrl = t.enterpriseSlug
    ? `https://token.actions.githubusercontent.com/${t.enterpriseSlug}`
    : "https://token.actions.githubusercontent.com";
  return finish(
    "githubActions",
    { issuerUrl, audiences: [t.audience ?? STS_AUDIENCE], subjects, warnings },
    t,
  );
}

export interface GitLabCiTrust extends PresetAcknowledgement {
  /** The project's full path: `group/subgroup/project`. */
  project: string;
  /** Branches (`ref_type` branch), `*` allowed. */
  branches?: string[];
  /** Tags (`ref_type` tag), `*` allowed. */
  tags?: string[];
  /** Any pipeline of the project. */
  anyRef?: boolean;
  /** Your GitLab's URL (the issuer). Default `https://gitlab.com`. */
  gitlabUrl?: string;
  /** The `aud` set in the job's `id_tokens`. Default `sts.aliyuncs.com`. */
  audience?: string;
}

/**
 * GitLab CI `id_tokens`: `project_path:<group>/<project>:ref_type:<branch|tag>:ref:<name>`.
 * @see https://docs.gitlab.com/ci/secrets/id_token_authentication/
 */
export function gitlabCi(t: GitLabCiTrust): TrustPreset {
  const problems: string[] = [];
  const segments = t.project.split("/");
  if (segments.length < 2 || segments.some((s) => !/^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(s)))
    problems.push(`project: '${t.project}' must be the full path group[/subgroup...]/project`);
  problems.push(...refProblems("branches", t.branches, true), ...refProblems("tags", t.tags, true));
  if ((t.branches?.length ?? 0) + (t.tags?.length ?? 0) === 0 && !t.anyRef)
    problems.push("choose what may assume the role: branches, tags or (broadly) anyRef");
  const gitlabUrl = (t.gitlabUrl ?? "https://gitlab.com").replace(/\/$/, "");
  if (!/^https:\/\/[^/?#]+$/.test(gitlabUrl))
    problems.push(`gitlabUrl: '${t.gitlabUrl}' must be https://<host>`);
  if (problems.length > 0) throw new PresetError("gitlabCi", problems);
  const prefix = `project_path:${t.project}`;
  const subjects = { equals: [] as string[], like: [] as string[] };
  const warnings: string[] = [];
  if (t.anyRef) {
    subjects.like.push(`${prefix}:*`);
    warnings.push(
      `trusts every pipeline of ${t.project}, on any branch or tag, including merge request pipelines`,
    );
  } else {
    for (const b of t.branches ?? []) addSubject(subjects, `${prefix}:ref_type:branch:ref:${b}`);
    for (const tag of t.tags ?? []) addSubject(subjects, `${prefix}:ref_type:tag:ref:${tag}`);
    warnings.push(
      ...wildcardWarnings(
        "branches",
        t.branches,
        (b) => `pipelines on ${every("branch", b)} of ${t.project}, including ones any developer creates`,
      ),
      ...wildcardWarnings(
        "tags",
        t.tags,
        (tag) =>
          `pipelines for ${every("tag", tag)} of ${t.project}, including ones any developer creates unless they are protected tags`,
      ),
    );
  }
  return finish(
    "gitlabCi",
    { issuerUrl: gitlabUrl, audiences: [t.audience ?? STS_AUDIENCE], subjects, warnings },
    t,
  );
}

export interface AckRrsaTrust extends PresetAcknowledgement {
  /** The ACK cluster's ID (`c` followed by 32 hex digits). */
  clusterId: string;
  /** The cluster's region, e.g. `cn-hangzhou`. */
  region: string;
  /** The Kubernetes namespace. */
  namespace: string;
  /** The service account. */
  serviceAccount: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * ACK RRSA (RAM Roles for Service Accounts): a pod's projected service
 * account token, `system:serviceaccount:<namespace>:<name>`.
 * @see https://www.alibabacloud.com/help/en/ack/ack-managed-and-ack-dedicated/user-guide/use-rrsa-to-authorize-pods-to-access-different-cloud-services
 */
export function ackRrsa(t: AckRrsaTrust): TrustPreset {
  const problems: string[] = [];
  if (!/^c[0-9a-f]{32}$/.test(t.clusterId))
    problems.push(`clusterId: '${t.clusterId}' must be 'c' followed by 32 hex digits`);
  if (!/^[a-z]{2,}-[a-z0-9-]+$/.test(t.region))
    problems.push(`region: '${t.region}' is not a region id like cn-hangzhou`);
  if (t.namespace.length > 63 || !DNS_LABEL.test(t.namespace))
    problems.push(
      `namespace: '${t.namespace}' is not a Kubernetes namespace (DNS label: a-z, 0-9, '-', at most 63)`,
    );
  if (t.serviceAccount.length > 253 || !DNS_SUBDOMAIN.test(t.serviceAccount))
    problems.push(
      `serviceAccount: '${t.serviceAccount}' is not a Kubernetes name (DNS subdomain, at most 253)`,
    );
  if (problems.length > 0) throw new PresetError("ackRrsa", problems);
  return finish(
    "ackRrsa",
    {
      issuerUrl: `https://oidc-ack-${t.region}.oss-${t.region}.aliyuncs.com/${t.clusterId}`,
      audiences: [STS_AUDIENCE],
      subjects: { equals: [`system:serviceaccount:${t.namespace}:${t.serviceAccount}`], like: [] },
      warnings: [],
    },
    t,
  );
}

export interface AuthingTrust extends PresetAcknowledgement {
  /** The OIDC application's host, e.g. `acme.authing.cn`. */
  appHost: string;
  /** The application's App ID: the token's `aud`. */
  appId: string;
  /** Authing user IDs allowed to assume the role (the `sub` claim). Omit only with `allowAnySubject: true`. */
  userIds?: string[];
  /**
   * Any user of the application may assume the role. Not enough on its own: the result admits
   * every user, so `allowAnySubject: true` must acknowledge it as for every preset.
   */
  allowAnyUser?: boolean;
}

/**
 * An Authing OIDC application: issuer `https://<appHost>/oidc`, audience the App ID.
 * @see https://docs.authing.cn/v2/federation/oidc/
 */
export function authing(t: AuthingTrust): TrustPreset {
  const problems: string[] = [];
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(t.appHost))
    problems.push(`appHost: '${t.appHost}' must be a host name such as acme.authing.cn (no scheme or path)`);
  if (!/^[A-Za-z0-9]{8,64}$/.test(t.appId)) problems.push(`appId: '${t.appId}' is not an Authing App ID`);
  const any = (t.userIds?.length ?? 0) === 0;
  if (any && t.allowAnySubject !== true)
    problems.push(
      "userIds: list the users who may assume the role, or set allowAnySubject: true to admit every user of the application",
    );
  if (problems.length > 0) throw new PresetError("authing", problems);
  return finish(
    "authing",
    {
      issuerUrl: `https://${t.appHost}/oidc`,
      audiences: [t.appId],
      subjects: { equals: [...(t.userIds ?? [])], like: [] },
      warnings: any ? [`trusts every user of the Authing application ${t.appId} on ${t.appHost}`] : [],
    },
    t,
  );
}

/** All presets, as one namespace. */
export const trustPresets = { githubActions, gitlabCi, ackRrsa, authing };
