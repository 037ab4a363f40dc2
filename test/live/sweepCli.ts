/**
 * `npm run sweep:live [-- --older-than 24h] [-- --yes]`: lists, then (with --yes) deletes, the
 * objects live runs left behind that are older than the given age (default 24h): only names with
 * a live-run prefix, never anything else, and only in an account named in
 * ALICLOUD_FEDERATION_LIVE_ACCOUNT. Without --yes it is a dry run and changes nothing.
 */
import { checkAccount } from "./account";
import { sweep } from "./sweep";
import { liveRefusal, targetFromEnv } from "./target";

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseAge(text: string): number {
  const m = /^(\d+)([mhd])$/.exec(text);
  if (!m?.[1] || !m[2]) throw new Error(`--older-than: '${text}' is not an age such as 30m, 24h or 7d`);
  return Number(m[1]) * (UNITS[m[2]] ?? 0);
}

async function main(argv: string[]): Promise<number> {
  const refusal = liveRefusal();
  if (refusal) {
    process.stdout.write(`sweep:live: nothing done. ${refusal}\n`);
    return 0;
  }
  const i = argv.indexOf("--older-than");
  const olderThan = i >= 0 ? (argv[i + 1] ?? "") : "24h";
  const olderThanMs = parseAge(olderThan);
  const yes = argv.includes("--yes");
  const target = targetFromEnv();
  const account = await checkAccount(target);
  const plan = await sweep(target, { olderThanMs, dryRun: true });
  process.stdout.write(
    `sweep:live: account ${account}, ${plan.candidates.length} live-run object(s) older than ${olderThan}:\n`,
  );
  for (const c of plan.candidates) process.stdout.write(`  ${c.kind} ${c.name} (made ${c.madeAt})\n`);
  if (!yes) {
    process.stdout.write("dry run: nothing deleted; run again with --yes to delete these\n");
    return 0;
  }
  const done = await sweep(target, { olderThanMs, dryRun: false });
  for (const d of done.deleted) process.stdout.write(`deleted ${d.kind} ${d.name}\n`);
  for (const f of done.failed) process.stdout.write(`FAILED ${f.kind} ${f.name}: ${f.error}\n`);
  return done.failed.length > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`sweep:live: ${(e as Error).message}\n`);
      process.exit(1);
    },
  );
}
