/** A promise with its resolve function (Promise.withResolvers needs Node 22). */
export interface Signal<T> {
  promise: Promise<T>;
  resolve: (value: T) => void;
}

export function signal<T = void>(): Signal<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
