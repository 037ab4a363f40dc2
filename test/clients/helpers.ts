/**
 * Helpers for driving the emulator with the official clients of other languages: the Python SDKs
 * and credentials library (one long-lived driver process, tools/official-python/driver.py), the
 * Go credentials library (tools/credentials-go), and the CLI's OAuth login.
 */
import { type ChildProcessWithoutNullStreams, execFile, execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import type { Emulator } from "../../emulator";

const ROOT = join(__dirname, "..", "..");
const run = promisify(execFile);

/** The venv's python (installs it on first use, a no-op after: scripts/official-python.sh). */
export function officialPython(): string {
  const out = execFileSync("bash", [join(ROOT, "scripts", "official-python.sh")], { encoding: "utf8" });
  return out.trim().split("\n").pop() ?? "";
}

/** The built Go credentials program (scripts/official-go.sh). */
export function officialGo(): string {
  const out = execFileSync("bash", [join(ROOT, "scripts", "official-go.sh")], { encoding: "utf8" });
  return out.trim().split("\n").pop() ?? "";
}

export interface PythonAnswer {
  ok: boolean;
  error?: string;
  code?: string;
  statusCode?: number;
  body?: Record<string, unknown>;
  model?: { extra: string[]; missing: string[]; type: string[] };
  accessKeyId?: string;
  hasSecret?: boolean;
  hasToken?: boolean;
  providerName?: string;
  callerIdentity?: Record<string, unknown>;
  trace?: string;
}

/** One Python driver process; requests are answered in order, one JSON line each. */
export class PythonDriver {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<(line: string) => void> = [];
  private stderr = "";

  constructor(env: Record<string, string> = {}) {
    this.child = spawn(officialPython(), [join(ROOT, "tools", "official-python", "driver.py")], {
      env: { ...process.env, ...env, PYTHONUNBUFFERED: "1" },
    });
    this.child.stderr.on("data", (d) => {
      this.stderr += String(d);
    });
    createInterface({ input: this.child.stdout }).on("line", (line) => this.waiting.shift()?.(line));
    this.child.on("exit", (code) => {
      for (const w of this.waiting.splice(0)) {
        w(JSON.stringify({ ok: false, error: `driver exited ${code}: ${this.stderr.slice(-2000)}` }));
      }
    });
  }

  request(req: Record<string, unknown>): Promise<PythonAnswer> {
    return new Promise((resolve) => {
      this.waiting.push((line) => resolve(JSON.parse(line) as PythonAnswer));
      this.child.stdin.write(`${JSON.stringify(req)}\n`);
    });
  }

  configure(e: Emulator, creds?: { accessKeyId: string; accessKeySecret: string }): Promise<PythonAnswer> {
    return this.request({
      op: "configure",
      endpoint: e.endpoint,
      accessKeyId: creds?.accessKeyId ?? e.accessKeyId,
      accessKeySecret: creds?.accessKeySecret ?? e.accessKeySecret,
    });
  }

  async close(): Promise<void> {
    this.child.stdin.end();
    await new Promise((resolve) => this.child.once("exit", resolve));
  }
}

/** Runs the Go credentials program once. */
export async function goCredentials(
  input: Record<string, string>,
  env: Record<string, string> = {},
): Promise<{ ok: boolean; error?: string; accessKeyId?: string; hasSecret?: boolean; hasToken?: boolean }> {
  const { stdout } = await run(officialGo(), [JSON.stringify(input)], {
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return JSON.parse(stdout.trim());
}

/** The CLI's OAuth login (authorize with PKCE S256, then the code for tokens): its tokens. */
export async function cliTokens(
  baseUrl: string,
  clientId: string,
  loginHint: string,
): Promise<{ access_token: string; refresh_token: string; expires_in: number }> {
  const verifier = randomBytes(96).toString("base64url");
  const redirect = "http://127.0.0.1:12345/cli/callback";
  const auth = new URL("/oauth2/v1/auth", baseUrl);
  auth.search = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirect,
    state: "s",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    login_hint: loginHint,
  }).toString();
  const location = (await fetch(auth, { redirect: "manual" })).headers.get("location") ?? "";
  const code = new URL(location).searchParams.get("code");
  if (!code) throw new Error(`no code: ${location}`);
  const res = await fetch(new URL("/v1/token", baseUrl), {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      client_id: clientId,
      redirect_uri: redirect,
      code_verifier: verifier,
    }),
  });
  return (await res.json()) as { access_token: string; refresh_token: string; expires_in: number };
}
