// A token tree of patterns, after qpid-dispatch's src/parse_tree.c (STYLE.md). Built once, walked
// once per attach: the cost of a lookup grows with the address's tokens, not with the routes.
//
// Precedence (reference/qdrouterd.md §2.1), decided token by token from the left: at each token
// an exact child is tried first, then `*` (exactly one token), then `#` (zero or more tokens,
// fewest first). The first complete match in that order wins, so for `devices/d1/messages/events`
//   devices/d1/#  beats  devices/*/messages/events  beats  devices/#
// because they first differ at the second token, where exact > `*` > `#`.

interface Node<T> {
  exact: Map<string, Node<T>>;
  star: Node<T> | undefined;
  hash: Node<T> | undefined;
  value: T | undefined;
}

const node = <T>(): Node<T> => ({ exact: new Map(), star: undefined, hash: undefined, value: undefined });

export class ParseTree<T> {
  private readonly root: Node<T> = node();

  /** Adds `value` under normalised `tokens`; returns the value already there, if any (and keeps it). */
  add(tokens: readonly string[], value: T): T | undefined {
    let at = this.root;
    for (const token of tokens) {
      if (token === '*') at = at.star ??= node();
      else if (token === '#') at = at.hash ??= node();
      else {
        let next = at.exact.get(token);
        if (!next) at.exact.set(token, (next = node()));
        at = next;
      }
    }
    if (at.value !== undefined) return at.value;
    at.value = value;
    return undefined;
  }

  match(tokens: readonly string[]): T | undefined {
    return visit(this.root, tokens, 0);
  }
}

function visit<T>(at: Node<T>, tokens: readonly string[], i: number): T | undefined {
  if (i === tokens.length) {
    if (at.value !== undefined) return at.value;
    return at.hash ? visitHash(at.hash, tokens, i) : undefined;
  }
  const exact = at.exact.get(tokens[i]!);
  const viaExact = exact && visit(exact, tokens, i + 1);
  if (viaExact !== undefined) return viaExact;
  const viaStar = at.star && visit(at.star, tokens, i + 1);
  if (viaStar !== undefined) return viaStar;
  return at.hash ? visitHash(at.hash, tokens, i) : undefined;
}

/** `#` swallows tokens i..j-1 for j = i, i+1, …: the fewest first. */
function visitHash<T>(hash: Node<T>, tokens: readonly string[], i: number): T | undefined {
  for (let j = i; j <= tokens.length; j++) {
    const found = visit(hash, tokens, j);
    if (found !== undefined) return found;
  }
  return undefined;
}
