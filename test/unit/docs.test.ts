import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import * as pkg from "../../provider";
import { generate, pageOf, REFERENCE_DIR } from "../../scripts/docs";

const ROOT = join(__dirname, "..", "..");
const pages = generate(ROOT);

describe("the reference pages in docs/reference", () => {
  it("are what `npm run docs` generates from the current TSDoc", () => {
    const stale = [...pages].filter(([file, text]) => {
      const path = join(ROOT, file);
      return !existsSync(path) || readFileSync(path, "utf8") !== text;
    });
    const extra = readdirSync(join(ROOT, REFERENCE_DIR)).filter((f) => !pages.has(`${REFERENCE_DIR}/${f}`));
    expect(
      { stale: stale.map(([file]) => file), extra },
      "run `npm run docs` and commit docs/reference",
    ).toEqual({ stale: [], extra: [] });
  });

  it("cover every exported resource, each with arguments, outputs, an example, replacement and adoption", () => {
    const resources = Object.entries(pkg)
      .filter(
        ([, v]) =>
          typeof v === "function" && /dynamic\.Resource|Resource/.test(Object.getPrototypeOf(v)?.name ?? ""),
      )
      .map(([name]) => name);
    expect(resources.length).toBeGreaterThanOrEqual(14);
    for (const name of resources) {
      const page = pages.get(pageOf(name));
      expect(page, name).toBeDefined();
      for (const section of ["## Example", "## Arguments", "## Outputs", "## Replacement", "## Adoption"]) {
        expect(page, `${name}: ${section}`).toContain(section);
      }
      expect(page, `${name}: a link to its source`).toMatch(/Source: \[provider\//);
    }
  });
});
