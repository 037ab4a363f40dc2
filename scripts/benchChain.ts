/**
 * `BENCH_SECTIONS=chain npm run bench`: an OIDC provider's chain check against an issuer far
 * away. `OidcProvider`'s check reads the issuer's discovery document and the verified chain of
 * its `jwks_uri` host at every preview, on the engine's check path (it checks one resource after
 * another), so each round trip to the issuer is paid by every command that plans.
 *
 * Each row: one check as a provider process makes it (a fresh Node process, so cold), against the
 * test IdP answering with `roundTripMs` (each TLS handshake one round trip, each request another;
 * the TCP connect is not delayed), median of `BENCH_CHAIN_ROUNDS` (default 9) processes. Two trust
 * stores: Node's default (the IdP's root in `NODE_EXTRA_CA_CERTS`) and a `caCertificates` setting
 * (the `ca` option). The ideal is the round trips that cannot overlap (the document's handshake and
 * its request: 2 x round trip) plus the floor, the same check at 0 ms. Not a test: timings vary.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startTestIdp } from "../emulator";
import { load, median, msList } from "./benchShared";

const ROUND_TRIPS = msList("BENCH_CHAIN_ROUND_TRIPS", "0,50,150");
const ROUNDS = Number(process.env.BENCH_CHAIN_ROUNDS ?? 9);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1)
  throw new Error(
    `BENCH_CHAIN_ROUNDS: '${process.env.BENCH_CHAIN_ROUNDS}' is not a number of rounds (1 or more)`,
  );
/** The round trips on the check's path: the document's TLS handshake, then its request. */
const SEQUENTIAL_ROUND_TRIPS = 2;

type Store = "default store" | "caCertificates";

/** One cold check in a fresh process: its wall time in ms. */
function checkOnce(issuer: string, store: Store, rootCaPem: string, caFile: string): Promise<number> {
  const discovery = path.join(__dirname, "..", "provider", "trust", "discovery.js");
  const options = { allowPrivateIssuer: true, ...(store === "caCertificates" ? { ca: rootCaPem } : {}) };
  const code = `
    const { discoverOidcFingerprint } = require(${JSON.stringify(discovery)});
    const started = performance.now();
    discoverOidcFingerprint(${JSON.stringify(issuer)}, ${JSON.stringify(options)}).then(
      () => process.stdout.write(String(performance.now() - started)),
      (e) => { process.stderr.write(String(e)); process.exitCode = 1; },
    );`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", code], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => {
      out += d;
    });
    child.stderr.on("data", (d) => {
      err += d;
    });
    child.on("close", (code) =>
      code === 0 ? resolve(Number(out)) : reject(new Error(`chain check failed: ${err.trim()}`)),
    );
  });
}

/** Prints the section; false when a check failed. */
export async function chainSection(dir: string): Promise<boolean> {
  console.log(
    `\nOIDC provider chain check against a far issuer: one cold check per process, median of ${ROUNDS}\n` +
      `ideal = ${SEQUENTIAL_ROUND_TRIPS} x round trip (the document's handshake and request; the chain's two connections go out with them) + floor; floor = the same check at 0 ms\n`,
  );
  const header =
    "round trip ms | trust store    | wall ms | (rounds)                                        | floor ms | ideal ms | wall/ideal";
  console.log(header);
  console.log("-".repeat(header.length));
  const floors = new Map<Store, number>();
  try {
    for (const rtt of [0, ...ROUND_TRIPS.filter((r) => r !== 0)]) {
      const idp = await startTestIdp({ roundTripMs: rtt });
      const caFile = path.join(dir, `chain-ca-${rtt}.pem`);
      const own = process.env.NODE_EXTRA_CA_CERTS;
      fs.writeFileSync(
        caFile,
        `${own && fs.existsSync(own) ? fs.readFileSync(own, "utf8") : ""}\n${idp.rootCaPem}`,
      );
      try {
        for (const store of ["default store", "caCertificates"] as const) {
          const times: number[] = [];
          for (let i = 0; i < ROUNDS; i++)
            times.push(await checkOnce(idp.issuer, store, idp.rootCaPem, caFile));
          const wall = median(times);
          if (rtt === 0) floors.set(store, wall);
          const floor = floors.get(store) ?? 0;
          const ideal = SEQUENTIAL_ROUND_TRIPS * rtt + floor;
          if (rtt !== 0 || ROUND_TRIPS.includes(0))
            console.log(
              [
                String(rtt).padStart(13),
                store.padEnd(14),
                wall.toFixed(0).padStart(7),
                times
                  .map((t) => t.toFixed(0))
                  .join(" ")
                  .padEnd(47),
                floor.toFixed(0).padStart(8),
                ideal.toFixed(0).padStart(8),
                (wall / ideal).toFixed(2).padStart(10),
              ].join(" | "),
            );
        }
      } finally {
        await idp.close();
      }
    }
  } catch (e) {
    console.log(`       !! ${(e as Error).message}`);
    return false;
  }
  console.log(`           load now ${load()}`);
  return true;
}
