// Preloaded by the bench (NODE_OPTIONS=--require) into every Node process the engine starts: at
// exit, writes the process's CPU time and whether it was the program or the dynamic provider to
// a file in AF_BENCH_CPU_DIR. CPU time tells two builds apart on a shared machine where wall time
// mostly measures the neighbours.
const fs = require("node:fs");
const path = require("node:path");

const dir = process.env.AF_BENCH_CPU_DIR;
if (dir) {
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    const main = process.argv[1] ?? "";
    const kind = main.includes("dynamic-provider")
      ? "provider"
      : main.includes("cmd/run")
        ? "program"
        : "other";
    const { user, system } = process.cpuUsage();
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(
        path.join(dir, `${process.pid}.json`),
        JSON.stringify({ kind, cpuMs: (user + system) / 1000 }),
      );
    } catch {
      // A process that cannot write is left out of the sum.
    }
  };
  process.on("exit", write);
  for (const signal of ["SIGINT", "SIGTERM"])
    process.once(signal, () => {
      write();
      process.exit(0);
    });
}
