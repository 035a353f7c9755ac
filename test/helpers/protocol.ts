// Shared by the protocol/ unit tests: catching one error class, and the bounded fuzz that holds a
// parser to "parses or throws its own ProtocolError subclass, nothing else".
import fc from 'fast-check';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

/** The error `fn` throws, which must be an instance of `cls`. */
export function thrown<E extends Error>(cls: ErrorClass<E>, fn: () => unknown): E {
  try {
    fn();
  } catch (e) {
    if (e instanceof cls) return e;
    throw new Error(`expected a ${cls.name}, got ${String(e)}`);
  }
  throw new Error(`expected a ${cls.name}, nothing was thrown`);
}

/** Runs `parse` on 200 inputs; each must parse (then `check` runs) or throw `cls`. */
export function fuzzParser<T, R>(input: fc.Arbitrary<T>, cls: ErrorClass<Error>, parse: (input: T) => R, check: (result: R) => void = () => {}): void {
  fc.assert(
    fc.property(input, (value) => {
      let result: R;
      try {
        result = parse(value);
      } catch (e) {
        if (e instanceof cls) return;
        throw e;
      }
      check(result);
    }),
    { numRuns: 200 },
  );
}
