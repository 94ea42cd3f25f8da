/** @internal The library's only state: small, bounded caches owned by the modules that use them. */

/**
 * @internal A small LRU cache (at most 64 entries; a hit becomes the most recent), with the last hit remembered so
 * that a run of calls with the same inputs costs a few identity comparisons. Every cache of the library is one: the
 * Web Crypto and synchronous signing keys, the SigV4a keys, the per-scope URL fragments. A module forgets everything
 * by replacing its cache with a new one.
 */
export class KeyCache<T> {
  // ES private fields: minifiers shorten their names, as they cannot TypeScript's `private` ones.
  readonly #map = new Map<string, T>()
  #lastParts: readonly string[] = []
  #lastValue: T | undefined

  /** The value for the key made of `parts`, made with `make` on a miss. */
  get(parts: readonly string[], make: () => T): T {
    if (sameParts(parts, this.#lastParts)) return this.#lastValue!
    const id = cacheId(parts)
    let value = this.#map.get(id)
    if (value === undefined) {
      value = make()
      if (this.#map.size >= 64) this.#map.delete(this.#map.keys().next().value!)
    } else {
      this.#map.delete(id)
    }
    this.#map.set(id, value)
    this.#lastParts = parts
    return (this.#lastValue = value)
  }

  /** Drop the entry of `parts` if it still holds `value` (e.g. a derivation that failed). */
  drop(parts: readonly string[], value: T): void {
    const id = cacheId(parts)
    if (this.#map.get(id) === value) this.#map.delete(id)
    if (this.#lastValue === value) this.#lastParts = []
  }
}

/**
 * @internal The map key of `parts`: each part prefixed with its length, so that no two different lists share a key
 * (a plain join would let `['a\nb', 'c']` and `['a', 'b\nc']` collide).
 */
export function cacheId(parts: readonly string[]): string {
  let id = ''
  for (const part of parts) id += part.length + ':' + part
  return id
}

/** @internal Element-wise `===` of two arrays of equal length (a few identity checks, no string building). */
export function sameParts(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
