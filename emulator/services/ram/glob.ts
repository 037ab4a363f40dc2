/**
 * RAM's wildcard match (`StringLike`, `Action`): `*` matches any run of characters, the empty one
 * included, `?` exactly one, everything else itself
 * (https://www.alibabacloud.com/help/en/ram/conditional-operator).
 *
 * Simulated as a set of pattern positions advanced one character of the text at a time (a
 * Thompson-style automaton), so the work is at most (pattern length + 1) x (text length + 1)
 * state visits whatever the input: token claims reach this function, and a backtracking regular
 * expression would let a crafted pattern or claim stall the service. Characters are Unicode code
 * points.
 */

/** Counts state visits when given; tests use it to prove the bound. */
export interface GlobMeter {
  steps: number;
}

export function globMatch(pattern: string, text: string, meter?: GlobMeter): boolean {
  const p = Array.from(pattern);
  const m = p.length;
  // live[i]: the pattern's first i characters can match the text read so far.
  let live = new Uint8Array(m + 1);
  let next = new Uint8Array(m + 1);
  const close = (set: Uint8Array) => {
    // A `*` may match nothing: whoever stands before it also stands after it.
    for (let i = 0; i < m; i++) {
      if (meter) meter.steps++;
      if (set[i] && p[i] === "*") set[i + 1] = 1;
    }
  };
  live[0] = 1;
  close(live);
  for (const c of text) {
    next.fill(0);
    let any = false;
    for (let i = 0; i < m; i++) {
      if (meter) meter.steps++;
      if (!live[i]) continue;
      const pc = p[i];
      if (pc === "*") {
        next[i] = 1;
        next[i + 1] = 1;
        any = true;
      } else if (pc === "?" || pc === c) {
        next[i + 1] = 1;
        any = true;
      }
    }
    if (!any) return false;
    close(next);
    [live, next] = [next, live];
  }
  return live[m] === 1;
}
