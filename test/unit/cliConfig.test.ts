/**
 * The Alibaba Cloud CLI config as the real credential chain (@alicloud/credentials) reads it, from
 * a home directory of the test's own: a file it cannot use is a cause of its own, with what to do,
 * and its content (access key secrets) is never quoted; a missing file is "no credentials".
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { resetCallerAccount } from "../../provider/account";
import { resetReported } from "../../provider/causes";
import { RamPolicyProvider as P } from "../../provider/resources/ramPolicy";
import { resetSettings } from "../../provider/settings";
import { configOf } from "../provider/harness";
import { tempDir } from "../tempDir";

const SECRET = "Zq9CliConfigSecretValue77x";
const KEPT = [
  "HOME",
  "ALIBABA_CLOUD_PROFILE",
  "ALIBABA_CLOUD_ECS_METADATA_DISABLED",
  "ALIBABA_CLOUD_CREDENTIALS_FILE",
];
const CHAIN_ENV = /^(ALIBABA_CLOUD_|ALICLOUD_)/;
let saved: NodeJS.ProcessEnv;

beforeEach(() => {
  saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (CHAIN_ENV.test(k)) delete process.env[k];
  // Only the CLI profile source can answer: no instance metadata, no credentials file.
  process.env.ALIBABA_CLOUD_ECS_METADATA_DISABLED = "true";
  process.env.ALIBABA_CLOUD_CREDENTIALS_FILE = "/nonexistent/credentials";
});
afterEach(() => {
  for (const k of [...KEPT, ...Object.keys(process.env).filter((k) => CHAIN_ENV.test(k))])
    delete process.env[k];
  Object.assign(process.env, saved);
  resetSettings();
  resetCallerAccount();
  resetReported();
});

/** What a create says with `config` (text, or none) as ~/.aliyun/config.json. */
async function failureWith(config: string | undefined): Promise<string> {
  const home = tempDir("cli-home-");
  if (config !== undefined) {
    mkdirSync(join(home, ".aliyun"));
    writeFileSync(join(home, ".aliyun", "config.json"), config);
  }
  process.env.HOME = home;
  resetSettings();
  resetCallerAccount();
  resetReported();
  // Nothing listens there: the chain fails before any request would be sent.
  await P.configure(configOf({ "alicloud-federation:endpoint": "http://127.0.0.1:9" }));
  const err = (await P.create({
    policyName: "p",
    policyDocument: JSON.stringify({
      Version: "1",
      Statement: [{ Effect: "Allow", Action: "oss:GetObject", Resource: "*" }],
    }),
    description: "",
  }).catch((e) => e)) as Error;
  expect(err).toBeInstanceOf(Error);
  return err.message;
}

const profile = (name: string) => ({
  name,
  mode: "AK",
  access_key_id: "LTAI5tCliConfigKey",
  access_key_secret: SECRET,
});

it("a config that is not JSON: said so, with what to do, and not one character of it quoted", async () => {
  const text = JSON.stringify({ current: "default", profiles: [profile("default")] });
  // Cut off: the chain's parser fails on it, and its message would quote the whole file.
  const message = await failureWith(text.slice(0, -2));
  expect(message).toMatch(/The Alibaba Cloud CLI config \S+config\.json is not valid JSON/);
  expect(message).toContain("`aliyun configure`");
  expect(message).toContain("ALIBABA_CLOUD_ACCESS_KEY_ID");
  expect(message).not.toContain("No Alibaba Cloud credentials were found");
  expect(message).not.toContain(SECRET);
  expect(message).not.toContain("LTAI5tCliConfigKey");
  expect(message).not.toContain("profiles");
});

it("a config with no profiles, and a profile name it does not hold, are said as such", async () => {
  expect(await failureWith(JSON.stringify({ current: "default", profiles: [] }))).toMatch(
    /CLI config \S+ has no profiles/,
  );
  process.env.ALIBABA_CLOUD_PROFILE = "nope";
  const message = await failureWith(JSON.stringify({ current: "default", profiles: [profile("default")] }));
  expect(message).toContain("has no profile named 'nope'");
  expect(message).not.toContain(SECRET);
});

it("no config at all is no credentials", async () => {
  const message = await failureWith(undefined);
  expect(message).toContain("No Alibaba Cloud credentials were found");
  expect(message).toContain("`aliyun configure`");
});

it("a home whose path holds an apostrophe: the file's content is still cut off", async () => {
  const text = JSON.stringify({ current: "default", profiles: [profile("default")] });
  const home = tempDir("o'neil-");
  process.env.HOME = home;
  mkdirSync(join(home, ".aliyun"));
  writeFileSync(join(home, ".aliyun", "config.json"), text.slice(0, -2));
  resetSettings();
  resetCallerAccount();
  resetReported();
  await P.configure(configOf({ "alicloud-federation:endpoint": "http://127.0.0.1:9" }));
  const err = (await P.create({ policyName: "p", policyDocument: "{}", description: "" }).catch(
    (e) => e,
  )) as Error;
  expect(err.message).toMatch(/CLI config \S+o'neil-\S+ is not valid JSON/);
  expect(err.message).not.toContain(SECRET);
});

it("a config with no current profile says so, not profile 'undefined'", async () => {
  const message = await failureWith(JSON.stringify({ profiles: [profile("default")] }));
  expect(message).toContain(
    'names no current profile (its "current" is not set, nor is ALIBABA_CLOUD_PROFILE)',
  );
  expect(message).not.toContain("'undefined'");
});

it("credentials half set in the environment are what the message is about, and the broken file is still not quoted", async () => {
  process.env.ALIBABA_CLOUD_ACCESS_KEY_ID = "LTAI5tHalfSet";
  const text = JSON.stringify({ current: "default", profiles: [profile("default")] });
  const message = await failureWith(text.slice(0, -2));
  expect(message).toContain("No Alibaba Cloud credentials were found");
  expect(message).not.toContain(SECRET);
});
