/**
 * The README's example of `alicloud-federation/testing` (examples/trust-tests/deployer.test.ts),
 * run as written: it deploys the main example into the emulator through the real engine and asks
 * the emulated STS who may assume the deploy role. Users have `pulumi` on their PATH; here it is
 * the CLI scripts/build-pulumi.sh builds, put on the PATH before the example's hooks run.
 */
import * as path from "node:path";
import { ensurePulumi } from "../../scripts/engine";
import "../../examples/trust-tests/deployer.test";

const binDir = ensurePulumi();
process.env.PATH = `${binDir}${path.delimiter}${process.env.PATH ?? ""}`;
// The CLI built here carries its language plugin; nothing is downloaded.
process.env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
process.env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
