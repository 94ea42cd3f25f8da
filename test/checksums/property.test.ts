/**
 * fast-check properties (fixed seed, as the project's other properties; HOSTILE_SEED=random to fuzz): however the
 * bytes are cut, and whatever carries them (hasher updates, a stream, a Blob read in slices of any size), the digest
 * is the one of the whole, which is the oracle's.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { checksum, createChecksum } from '../../src/checksums/index.js'
import { FC_SEED } from '../helpers/hostile.js'
import { ALGORITHMS, oracle, pieces, streamOf } from './helpers.js'

const SCALE = Number(process.env['HOSTILE_SCALE'] ?? 1)

const input = fc.record({
  algorithm: fc.constantFrom(...ALGORITHMS),
  // Mostly short (the block and word boundaries), sometimes a few blocks of 16 KiB (the Web Crypto threshold).
  data: fc.oneof({ weight: 4, arbitrary: fc.uint8Array({ maxLength: 600 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 16_000, maxLength: 17_000 }) }),
  cutAt: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 24 }),
  offset: fc.integer({ min: 0, max: 7 }),
  chunkSize: fc.integer({ min: 1, max: 5000 }),
})

describe('any chunking gives the digest of the whole', () => {
  test('hasher updates, a ReadableStream and a Blob in slices, from a view at any offset', async () => {
    let checked = 0
    await fc.assert(
      fc.asyncProperty(input, async ({ algorithm, data: raw, cutAt, offset, chunkSize }) => {
        // The same bytes at `offset` into a larger buffer, so the word loops start unaligned.
        const buffer = new Uint8Array(new ArrayBuffer(raw.length + offset))
        buffer.set(raw, offset)
        const data = buffer.subarray(offset)
        const points = [0, ...cutAt.map((x) => Math.floor(x * data.length)).sort((a, b) => a - b), data.length]
        const parts = pieces(data, points)
        const want = oracle(algorithm)(raw)
        const hasher = createChecksum(algorithm)
        for (const part of parts) hasher.update(part)
        expect(hasher.digestBase64()).toBe(want)
        expect(await checksum(algorithm, streamOf(parts), { chunkSize })).toBe(want)
        expect(await checksum(algorithm, new Blob(parts), { chunkSize })).toBe(want)
        expect(await checksum(algorithm, data, { chunkSize })).toBe(want)
        checked++
      }),
      { numRuns: 400 * SCALE, seed: FC_SEED },
    )
    expect(checked).toBe(400 * SCALE)
  })
})
