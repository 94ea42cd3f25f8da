/**
 * Agreement with independent implementations on seeded random input of every length 0..4096: aws-crt (AWS's C CRCs,
 * the ones S3's SDKs use) for CRC32, CRC32C and CRC64NVME, node:zlib's crc32 where this Node has it, and node:crypto
 * for SHA-1, SHA-256 and MD5. Each length is hashed whole, in two pieces split at a random point, from a view at an
 * odd offset into its buffer (the word-at-a-time loops align first), and through the async one-shot function.
 */
import { describe, expect, test } from 'vitest'
import { checksum, createChecksum } from '../../src/checksums/index.js'
import { ALGORITHMS, crtOracle, oracle, randomBytes, rng, zlibCrc32 } from './helpers.js'

const MAX = 4096

describe.each(ALGORITHMS)('%s agrees with its oracle on every length 0..4096', (algorithm) => {
  const want = oracle(algorithm)

  test('whole, split in two, at an odd offset', () => {
    const next = rng(0xc0ffee ^ algorithm.length)
    const pool = randomBytes(MAX + 8, 20261201 + algorithm.length)
    let mismatches = 0
    for (let n = 0; n <= MAX; n++) {
      const offset = n % 4 === 0 ? 0 : (n % 3) + 1
      const data = pool.subarray(offset, offset + n)
      const expected = want(data)
      const cut = Math.floor(next() * (n + 1))
      const whole = createChecksum(algorithm).update(data).digestBase64()
      const split = createChecksum(algorithm).update(data.subarray(0, cut)).update(data.subarray(cut)).digestBase64()
      const copy = createChecksum(algorithm).update(data.slice()).digestBase64()
      if (whole !== expected || split !== expected || copy !== expected) mismatches++
    }
    expect(mismatches).toBe(0)
  })

  test('the async one-shot function (and, for SHA, its Web Crypto path from 16 KiB) on lengths around the thresholds', async () => {
    const lengths = [0, 1, 15, 16, 31, 32, 33, 55, 56, 63, 64, 65, 119, 120, 127, 128, 4095, 4096, 16383, 16384, 16385, 65536, 100_003]
    for (const n of lengths) {
      const data = randomBytes(n, n + 7)
      expect(await checksum(algorithm, data), `length ${n}`).toBe(want(data))
    }
  })
})

describe('zlib and aws-crt agree with each other and with us on CRC32', () => {
  test.skipIf(zlibCrc32 === undefined)('node:zlib crc32 on every length 0..4096', () => {
    const pool = randomBytes(MAX, 99)
    for (let n = 0; n <= MAX; n++) {
      const data = pool.subarray(0, n)
      const ours = createChecksum('CRC32').update(data).digestBase64()
      if (ours !== zlibCrc32!(data) || ours !== crtOracle.CRC32(data)) throw new Error(`CRC32 mismatch at length ${n}`)
    }
  })
})
