// Byte-for-byte comparison for the portable runners (run-cases.mjs, gcs-cases.mjs): plain ESM, no imports, runs in
// every runtime the matrix covers.

/** A short description of where two strings first differ. */
export function diff(actual, expected) {
  if (typeof actual !== 'string' || typeof expected !== 'string') return `got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`
  let i = 0
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++
  const show = (s) => JSON.stringify(s.slice(Math.max(0, i - 20), i + 40))
  return `differ at ${i}: got …${show(actual)}…, expected …${show(expected)}…`
}

/** Throw `what: <where they differ>` unless `actual === expected`. */
export function check(what, actual, expected) {
  if (actual !== expected) throw new Error(`${what}: ${diff(actual, expected)}`)
}
