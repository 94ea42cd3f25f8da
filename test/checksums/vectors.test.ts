/**
 * sigv4-presign/checksums against published vectors: the CRC check values of "123456789" (the CRC catalogue's, as
 * S3 spells them in base64), NIST's SHA-1 and SHA-256 examples (FIPS 180-4) and RFC 1321's MD5 suite, plus the S3
 * header names, base64, and the typed errors.
 */
import { describe, expect, test } from 'vitest'
import { PresignError } from '../../src/core/errors.js'
import {
  CHECKSUM_ALGORITHMS,
  type ChecksumAlgorithm,
  checksum,
  checksumHeader,
  crc32,
  crc32c,
  crc64nvme,
  createChecksum,
  createCrc32,
  createCrc32c,
  createCrc64Nvme,
  createMd5,
  createSha1,
  createSha256,
  md5,
  sha1,
  sha256,
  toBase64,
} from '../../src/checksums/index.js'
import { ALGORITHMS, nodeOracle } from './helpers.js'

const hex = (b64: string): string => Buffer.from(b64, 'base64').toString('hex')
const M448 = 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'
const M896 = 'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu'
const MILLION_A = 'a'.repeat(1_000_000)

describe('CRC check values ("123456789")', () => {
  test('CRC32 y/Q5Jg== (0xcbf43926), CRC32C 4waSgw== (0xe3069283), CRC64NVME rosUhgp5mIg= (0xae8b14860a799888)', async () => {
    expect(await crc32('123456789')).toBe('y/Q5Jg==')
    expect(await crc32c('123456789')).toBe('4waSgw==')
    expect(await crc64nvme('123456789')).toBe('rosUhgp5mIg=')
    expect(hex(createCrc32().update('123456789').digestBase64())).toBe('cbf43926')
    expect(hex(createCrc32c().update('123456789').digestBase64())).toBe('e3069283')
    expect(hex(createCrc64Nvme().update('123456789').digestBase64())).toBe('ae8b14860a799888')
  })

  test('the empty input: every CRC of nothing is zero; digest lengths', async () => {
    expect(await crc32('')).toBe('AAAAAA==')
    expect(await crc32c(new Uint8Array(0))).toBe('AAAAAA==')
    expect(await crc64nvme(new ArrayBuffer(0))).toBe('AAAAAAAAAAA=')
    const lengths = Object.fromEntries(ALGORITHMS.map((a) => [a, createChecksum(a).digestLength]))
    expect(lengths).toEqual({ CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32, MD5: 16 })
    for (const a of ALGORITHMS) expect(createChecksum(a).digest().length).toBe(lengths[a])
  })
})

// FIPS 180-4's examples (NIST's "Cryptographic Standards and Guidelines: Examples with Intermediate Values") and the
// long-message test of FIPS 180-2 (a million 'a').
const NIST: Record<'SHA1' | 'SHA256' | 'MD5', [string, string][]> = {
  SHA1: [
    ['', 'da39a3ee5e6b4b0d3255bfef95601890afd80709'],
    ['abc', 'a9993e364706816aba3e25717850c26c9cd0d89d'],
    [M448, '84983e441c3bd26ebaae4aa1f95129e5e54670f1'],
    [M896, 'a49b2446a02c645bf419f995b67091253a04a259'],
    [MILLION_A, '34aa973cd4c4daa4f61eeb2bdbad27316534016f'],
  ],
  SHA256: [
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    [M448, '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    [M896, 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1'],
    [MILLION_A, 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
  ],
  // RFC 1321 appendix A.5, then the same long messages as for SHA.
  MD5: [
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
    [M448, '8215ef0796a20bcaaae116d3876c664a'],
    [M896, '03dd8807a93175fb062dfb55dc7d359c'],
    [MILLION_A, '7707d6ae4e027c70eea2a935c2296f21'],
  ],
}
const CREATE = { SHA1: createSha1, SHA256: createSha256, MD5: createMd5 }
const ONE_SHOT = { SHA1: sha1, SHA256: sha256, MD5: md5 }

describe.each(Object.keys(NIST) as (keyof typeof NIST)[])('%s: published vectors', (algorithm) => {
  test.each(NIST[algorithm].map(([m, d]) => [m.length > 64 ? `${m.slice(0, 12)}… (${m.length} bytes)` : JSON.stringify(m), m, d]))('%s', async (_, message, digest) => {
    expect(hex(CREATE[algorithm]().update(message).digestBase64())).toBe(digest)
    expect(hex(await ONE_SHOT[algorithm](message))).toBe(digest)
    expect(hex(await checksum(algorithm, new TextEncoder().encode(message)))).toBe(digest)
    // One byte at a time through the block buffer, for the shorter ones.
    if (message.length <= 200) {
      const h = CREATE[algorithm]()
      for (const ch of message) h.update(ch)
      expect(Buffer.from(h.digest()).toString('hex')).toBe(digest)
    }
  })
})

describe('a million "a" in uneven pieces, with digest() along the way (it does not end the hasher)', () => {
  test.each(['SHA1', 'SHA256', 'MD5'] as const)('%s', (algorithm) => {
    const h = CREATE[algorithm]()
    let fed = 0
    let checked = 0
    for (let step = 1; fed < 1_000_000; step = (step * 7 + 3) % 1000) {
      const n = Math.min(step, 1_000_000 - fed)
      h.update('a'.repeat(n))
      fed += n
      if (fed % 97 === 0) {
        expect(h.digestBase64()).toBe(nodeOracle[algorithm](new TextEncoder().encode('a'.repeat(fed))))
        checked++
      }
    }
    expect(checked).toBeGreaterThan(5)
    expect(hex(h.digestBase64())).toBe(NIST[algorithm].at(-1)![1])
    expect(hex(h.digestBase64())).toBe(NIST[algorithm].at(-1)![1])
    expect(h.reset().update('abc').digestBase64()).toBe(CREATE[algorithm]().update('abc').digestBase64())
  })
})

describe('S3 header names, algorithm list, base64', () => {
  test('checksumHeader names the header each value goes in', () => {
    expect(CHECKSUM_ALGORITHMS.map((a) => [a, checksumHeader(a)])).toEqual([
      ['CRC32', 'x-amz-checksum-crc32'],
      ['CRC32C', 'x-amz-checksum-crc32c'],
      ['CRC64NVME', 'x-amz-checksum-crc64nvme'],
      ['SHA1', 'x-amz-checksum-sha1'],
      ['SHA256', 'x-amz-checksum-sha256'],
      ['MD5', 'content-md5'],
    ])
    expect(Object.isFrozen(CHECKSUM_ALGORITHMS)).toBe(true)
    for (const a of CHECKSUM_ALGORITHMS) expect(createChecksum(a).algorithm).toBe(a)
  })

  test('toBase64 matches Buffer on every length 0..300 and on 1 MiB; takes strings as UTF-8', () => {
    for (let n = 0; n <= 300; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 151 + n) & 255)
      expect(toBase64(bytes)).toBe(Buffer.from(bytes).toString('base64'))
    }
    const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 31) & 255)
    expect(toBase64(big)).toBe(Buffer.from(big).toString('base64'))
    expect(toBase64('é€😀')).toBe(Buffer.from('é€😀', 'utf8').toString('base64'))
    expect(toBase64(new Uint16Array([0x0102]).buffer)).toBe(Buffer.from(new Uint16Array([0x0102]).buffer).toString('base64'))
  })

  test('a string is hashed as UTF-8; typed arrays and DataViews by their bytes; ArrayBuffer and SharedArrayBuffer', async () => {
    const text = 'héllo wörld €😀'
    const utf8 = new TextEncoder().encode(text)
    for (const a of ALGORITHMS) {
      const want = createChecksum(a).update(utf8).digestBase64()
      expect(await checksum(a, text)).toBe(want)
      const padded = new Uint8Array(utf8.length + 8)
      padded.set(utf8, 3)
      expect(createChecksum(a).update(new DataView(padded.buffer, 3, utf8.length)).digestBase64()).toBe(want)
      expect(await checksum(a, padded.subarray(3, 3 + utf8.length))).toBe(want)
      expect(await checksum(a, utf8.slice().buffer)).toBe(want)
      const shared = new Uint8Array(new SharedArrayBuffer(utf8.length))
      shared.set(utf8)
      expect(await checksum(a, shared)).toBe(want)
      expect(await checksum(a, shared.buffer as unknown as ArrayBuffer)).toBe(want)
    }
    const words = new Uint32Array([0x04030201, 0x08070605])
    expect(createCrc32().update(words).digestBase64()).toBe(createCrc32().update(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8])).digestBase64())
  })
})

describe('typed errors', () => {
  const expectInvalid = (fn: () => unknown, field: string, pattern: RegExp): void => {
    try {
      fn()
    } catch (e) {
      expect(e).toBeInstanceOf(PresignError)
      expect((e as PresignError).code).toBe('InvalidOption')
      expect((e as PresignError).field).toBe(field)
      expect((e as PresignError).message).toMatch(pattern)
      return
    }
    throw new Error('did not throw')
  }
  const rejectsInvalid = async (p: Promise<unknown>, field: string, pattern: RegExp): Promise<void> => {
    const e = await p.then(
      () => undefined,
      (error: unknown) => error,
    )
    expect(e).toBeInstanceOf(PresignError)
    expect((e as PresignError).code).toBe('InvalidOption')
    expect((e as PresignError).field).toBe(field)
    expect((e as PresignError).message).toMatch(pattern)
  }

  test('an unknown algorithm, by name or type (and never a prototype key)', async () => {
    for (const bad of ['crc32', 'SHA-256', 'sha256', 'SHA512', 'XXHASH64', '', 'toString', '__proto__', 'constructor', 42, null, undefined, {}]) {
      expectInvalid(() => createChecksum(bad as ChecksumAlgorithm), 'algorithm', /must be one of CRC32, CRC32C, CRC64NVME, SHA1, SHA256, MD5/)
      expectInvalid(() => checksumHeader(bad as ChecksumAlgorithm), 'algorithm', /must be one of/)
      await rejectsInvalid(checksum(bad as ChecksumAlgorithm, 'x'), 'algorithm', /must be one of/)
    }
  })

  test('data of another type: a number, null, a plain object, an array, a sync iterable', async () => {
    for (const bad of [42, null, undefined, {}, [1, 2, 3], new Set([1]), true, Symbol('x')]) {
      await rejectsInvalid(crc32(bad as never), 'data', /must be a Uint8Array .*a Blob, a ReadableStream or an async iterable of bytes/)
      await rejectsInvalid(sha256(bad as never), 'data', /must be a Uint8Array/)
      expectInvalid(() => createMd5().update(bad as never), 'data', /must be a Uint8Array \(or another ArrayBufferView\), an ArrayBuffer or a string/)
    }
    await rejectsInvalid(crc32c(new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(42 as never) })), 'data (a chunk of the stream)', /must be a Uint8Array/)
    expectInvalid(() => toBase64(7 as never), 'bytes', /must be a Uint8Array/)
  })

  test('bad options', async () => {
    await rejectsInvalid(crc32('x', 'fast' as never), 'options', /must be an object/)
    await rejectsInvalid(crc32('x', null as never), 'options', /must be an object/)
    for (const chunkSize of [0, -1, 1.5, 2 ** 30 + 1, Number.NaN, '4096']) {
      await rejectsInvalid(crc64nvme('x', { chunkSize: chunkSize as number }), 'options.chunkSize', /must be an integer in 1\.\.1073741824/)
    }
    await rejectsInvalid(md5('x', { onProgress: 'yes' as never }), 'options.onProgress', /must be a function/)
    await rejectsInvalid(sha1('x', { signal: { aborted: false } as never }), 'options.signal', /must be an AbortSignal/)
    await rejectsInvalid(sha1('x', { signal: null as never }), 'options.signal', /must be an AbortSignal/)
  })

  test('messages never echo the input', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
    const e = await checksum(secret as ChecksumAlgorithm, 'x').catch((error: unknown) => error)
    expect(String((e as Error).message)).not.toContain(secret)
    expect((e as Error).message).toContain('a string of length 40')
  })
})
