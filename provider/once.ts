/** `make()`'s value, computed on the first call and kept: for what is costly to load and often not needed. */
export function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => {
    made ??= make();
    return made;
  };
}
