/**
 * `npm run fuzz:trust [-- <cases> [<seed>]]`: runs random trust policies and claim sets (default a
 * million) through the library's `evaluateTrust` and the emulator's own evaluator, and prints every
 * disagreement (decision class, policy, claims) and a summary: cases, disagreements, the spread of
 * decisions, and the time taken. Exits 1 on any disagreement.
 */
import { emulatorDecision, libraryDecision, randomCase, seeded } from "./trustCases";

function main(): void {
  const cases = Number(process.argv[2] ?? 1_000_000);
  const seed = Number(process.argv[3] ?? 1);
  if (!Number.isSafeInteger(cases) || cases < 1 || !Number.isSafeInteger(seed)) {
    process.stderr.write("usage: fuzzTrust [cases] [seed]\n");
    process.exit(2);
  }
  const pick = seeded(seed);
  const spread = new Map<string, number>();
  let disagreements = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < cases; i++) {
    const c = randomCase(pick, "https://idp.example", "sts.aliyuncs.com");
    const library = libraryDecision(c);
    const emulator = emulatorDecision(c);
    spread.set(library, (spread.get(library) ?? 0) + 1);
    if (library !== emulator) {
      disagreements++;
      if (disagreements <= 50)
        process.stdout.write(
          `DISAGREE #${i}: library ${library}, emulator ${emulator}\n  policy ${c.policy}\n  claims ${JSON.stringify(c.claims)}\n`,
        );
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const classes = [...spread.entries()]
    .sort()
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
  process.stdout.write(
    `cases ${cases}, seed ${seed}, disagreements ${disagreements}, ${seconds.toFixed(1)} s (${Math.round(cases / seconds)} cases/s)\n` +
      `decisions: ${classes}\n`,
  );
  process.exit(disagreements === 0 ? 0 : 1);
}

main();
