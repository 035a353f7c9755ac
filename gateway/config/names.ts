// Name folding and "did you mean" suggestions for section and attribute names.

/**
 * qdrouterd 1.x converts every section and attribute name to camelCase, splitting on `-`, `_`,
 * `.` and space (reference/qdrouterd.md §1.1): `ssl-profile` → `sslProfile`, `cert-db` → `certDb`.
 */
export function camelCase(name: string): string {
  return name.replace(/[-_. ]+([^-_. ])/g, (_, c: string) => c.toUpperCase()).replace(/[-_. ]+$/, '');
}

/** Levenshtein distance, case-insensitive: small names, called only on the error path. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let row = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= x.length; i++) {
    const next = [i];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      next.push(Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + cost));
    }
    row = next;
  }
  return row[y.length]!;
}

/** The closest of `candidates` to `name`, if it is close enough to be a plausible typo. */
export function nearest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

/** "did you mean 'x'? " or "" — for the start of an error's advice. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const guess = nearest(name, candidates);
  return guess === undefined ? '' : `did you mean '${guess}'? `;
}
