/** @internal SigV4a region sets (`X-Amz-Region-Set`): the entries' grammar and bounds, and how they match a region. */

/** @internal One entry: a region name, or a pattern with `*` wildcards such as `us-*`. */
export const REGION_PATTERN = /^[a-z0-9*][a-z0-9*-]{0,62}$/
/** At most this many regions in a region set, when signing and when verifying. */
export const MAX_REGIONS = 64

/** @internal The regions of an `X-Amz-Region-Set` value (decoded), or `undefined` when it is not a valid, bounded list. */
export function parseRegionSet(text: string): string[] | undefined {
  if (text.length > MAX_REGIONS * 64) return undefined
  const regions = text.split(',')
  return regions.length <= MAX_REGIONS && regions.every((r) => REGION_PATTERN.test(r)) ? regions : undefined
}

/**
 * @internal Does `text` match `pattern`, where `*` stands for any run of characters? A greedy two-pointer
 * match with one backtrack point: O(pattern × text) at worst, and both are bounded by the caller. No RegExp
 * is ever built from input.
 */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0
  let t = 0
  let star = -1
  let resume = 0
  while (t < text.length) {
    if (p < pattern.length && pattern[p] !== '*' && pattern[p] === text[t]) {
      p++
      t++
    } else if (p < pattern.length && pattern[p] === '*') {
      star = p++
      resume = t
    } else if (star >= 0) {
      p = star + 1
      t = ++resume
    } else {
      return false
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++
  return p === pattern.length
}

/** @internal Does one of the server's regions (any, if none is configured) match an entry of the region set? */
export function coversRegions(regionSet: readonly string[], allowed: readonly string[] | undefined): boolean {
  return allowed === undefined || allowed.some((region) => regionSet.some((pattern) => globMatch(pattern, region)))
}
