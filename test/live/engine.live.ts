/**
 * The end-to-end path against the target: a stack of the OIDC provider program
 * (test/e2e/programs/oidc) through the real Pulumi engine, `up`, the drift gate
 * (`preview --refresh --expect-no-changes`), an in-place update, and `destroy`, with a file
 * backend in a temporary folder. The provider's name carries the run's prefix.
 * ALICLOUD_FEDERATION_LIVE_ENGINE=0 leaves it out: CI's run of live mode against the emulator
 * does (a minute of engine time; test/e2e drives the same program against the emulator).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect, test } from "vitest";
import { engineEnv, ensurePulumi, localStack } from "../../scripts/engine";
import { checkAccount } from "./account";
import { targetFromEnv } from "./target";

const prefix = process.env.ALICLOUD_FEDERATION_LIVE_PREFIX ?? "";

test.skipIf(process.env.ALICLOUD_FEDERATION_LIVE_ENGINE === "0")(
  "engine: up, preview --refresh --expect-no-changes, update, destroy",
  async () => {
    const target = targetFromEnv();
    const account = await checkAccount(target);
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "af-live-"));
    const workDir = path.join(__dirname, "..", "e2e", "programs", "oidc");
    const stackName = `live${prefix.replace(/[^0-9a-z]/g, "")}`;
    const binDir = ensurePulumi();
    const env = engineEnv({
      binDir,
      stateDir,
      ...(target.endpoint ? { endpoint: target.endpoint } : {}),
      accessKeyId: target.accessKeyId,
      accessKeySecret: target.accessKeySecret,
      passphrase: "live",
    });
    if (target.securityToken) env.ALIBABA_CLOUD_SECURITY_TOKEN = target.securityToken;
    const { stack } = await localStack({ binDir, workDir, stackName, env });
    try {
      await stack.setConfig("name", { value: `${prefix}e2e` });
      await stack.setConfig("issuerUrl", { value: "https://token.actions.githubusercontent.com" });
      await stack.setConfig("fingerprints", {
        value: JSON.stringify(["6938fd4d98bab03faadb97b34396831e3780aea1"]),
      });
      const up = await stack.up();
      expect(up.summary.resourceChanges?.create).toBe(2);
      expect(up.outputs.arn?.value).toBe(`acs:ram::${account}:oidc-provider/${prefix}e2e`);
      await stack.preview({ refresh: true, expectNoChanges: true });
      await stack.setConfig("description", { value: "live" });
      const update = await stack.up();
      expect(update.summary.resourceChanges?.update).toBe(1);
      await stack.preview({ refresh: true, expectNoChanges: true });
    } finally {
      await stack.destroy();
      await stack.workspace.removeStack(stackName, { force: true });
      fs.rmSync(stateDir, { recursive: true, force: true });
      fs.rmSync(path.join(workDir, `Pulumi.${stackName}.yaml`), { force: true });
    }
  },
);
