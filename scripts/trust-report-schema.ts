/**
 * `npm run docs:schema`: writes docs/trust-report.schema.json, the JSON Schema
 * of `alicloud-federation report --json`, from `trustReportSchema` (its single
 * source). test/provider/report.test.ts fails when the file is stale.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { trustReportJsonSchema } from "../provider/report";
import { REPO_ROOT } from "./engine";

export const SCHEMA_FILE = path.join(REPO_ROOT, "docs", "trust-report.schema.json");

if (require.main === module) {
  fs.writeFileSync(SCHEMA_FILE, `${JSON.stringify(trustReportJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${path.relative(REPO_ROOT, SCHEMA_FILE)}`);
}
