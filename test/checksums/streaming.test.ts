/**
 * Large inputs in pieces: the incremental hashers split at random points, `Blob`s read in slices (never whole, at
 * most one slice read ahead), `ReadableStream`s, async iterables and Node streams with random chunkings; progress,
 * abort (before, during a pending read, from the progress callback), stream errors, and the Web Crypto shortcut of
 * SHA-1/SHA-256 (identical results, and the JavaScript fallback when Web Crypto is missing or refuses).
 */
import { Readable } from 'node:stream'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { checksum, crc32, crc32c, createChecksum, createSha256, md5, sha1, sha256 } from '../../src/checksums/index.js'
import { ALGORITHMS, cuts, iterableOf, MiB, oracle, pieces, RecordingBlob, randomBytes, rng, streamOf } from './helpers.js'

const BIG = randomBytes(6 * MiB + 12_345, 424242)
const EXPECTED = Object.fromEntries(ALGORITHMS.map((a) => [a, oracle(a)(BIG)]))

describe.each(ALGORITHMS)('%s over 6 MiB in random pieces', (algorithm) => {
  const want = EXPECTED[algorithm]

  test('the incremental hasher, 20 random chunkings (empty pieces included)', () => {
    const next = rng(17 + algorithm.length)
    for (let round = 0; round < 20; round++) {
      const h = createChecksum(algorithm)
      for (const piece of pieces(BIG, cuts(BIG.length, 1 + Math.floor(next() * 200), next))) h.update(piece)
      expect(h.digestBase64(), `round ${round}`).toBe(want)
    }
  })

  test('a Blob, in slices of 1 MiB, 3 MiB + 1 and the default 4 MiB: never read whole, one slice read ahead at most', async () => {
    for (const chunkSize of [MiB, 3 * MiB + 1, undefined]) {
      const blob = new RecordingBlob([BIG.subarray(0, 1000), BIG.subarray(1000)])
      const seen: number[] = []
      expect(await checksum(algorithm, blob, { chunkSize, onProgress: (n) => seen.push(n) })).toBe(want)
      const step = chunkSize ?? 4 * MiB
      expect(blob.wholeReads).toBe(0)
      expect(Math.max(...blob.reads)).toBeLessThanOrEqual(step)
      expect(blob.reads.reduce((a, b) => a + b, 0)).toBe(BIG.length)
      expect(blob.maxInFlight).toBe(1)
      expect(seen.at(-1)).toBe(BIG.length)
      expect(seen.length).toBe(Math.ceil(BIG.length / step))
    }
  })

  test('a ReadableStream, an async iterable and a Node Readable, in random chunks', async () => {
    const next = rng(99 + algorithm.length)
    const chunks = pieces(BIG, cuts(BIG.length, 300, next))
    const seen: number[] = []
    expect(await checksum(algorithm, streamOf(chunks), { onProgress: (n) => seen.push(n) })).toBe(want)
    expect(seen.at(-1)).toBe(BIG.length)
    expect(seen.every((n, i) => i === 0 || n >= seen[i - 1]!)).toBe(true)
    expect(await checksum(algorithm, iterableOf(chunks))).toBe(want)
    expect(await checksum(algorithm, Readable.from(chunks.map((c) => Buffer.from(c))))).toBe(want)
    // One chunk larger than chunkSize is hashed in chunkSize pieces, with progress after each.
    const big: number[] = []
    expect(await checksum(algorithm, streamOf([BIG]), { chunkSize: MiB, onProgress: (n) => big.push(n) })).toBe(want)
    expect(big).toEqual([1, 2, 3, 4, 5, 6].map((k) => k * MiB).concat(BIG.length))
  })
})

describe('progress', () => {
  test('in-memory bytes report after each chunk and end at the total; empty input reports 0 once', async () => {
    const seen: number[] = []
    await crc32(BIG.subarray(0, 10_000), { chunkSize: 4096, onProgress: (n) => seen.push(n) })
    expect(seen).toEqual([4096, 8192, 10_000])
    for (const empty of ['', new Uint8Array(0), new Blob([]), streamOf([]), iterableOf([])]) {
      const calls: number[] = []
      expect(await md5(empty, { onProgress: (n) => calls.push(n) })).toBe('1B2M2Y8AsgTpgAmY7PhCfg==')
      expect(calls).toEqual([0])
    }
  })

  test('a string reports its UTF-8 length', async () => {
    const seen: number[] = []
    await crc32c('é'.repeat(1000), { onProgress: (n) => seen.push(n) })
    expect(seen).toEqual([2000])
  })

  test('a progress callback that throws rejects the run and cancels the stream', async () => {
    const cancelled: unknown[] = []
    const boom = new Error('boom')
    const run = crc32(streamOf([new Uint8Array(10), new Uint8Array(10)], (r) => cancelled.push(r)), {
      onProgress: () => {
        throw boom
      },
    })
    await expect(run).rejects.toBe(boom)
    expect(cancelled).toEqual([boom])
  })
})

describe('abort', () => {
  test('an aborted signal rejects with its reason before anything is read', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    controller.abort(reason)
    const blob = new RecordingBlob([BIG])
    await expect(crc32(blob, { signal: controller.signal })).rejects.toBe(reason)
    await expect(sha256(BIG, { signal: controller.signal })).rejects.toBe(reason)
    await expect(md5('', { signal: controller.signal })).rejects.toBe(reason)
    expect(blob.reads).toEqual([])
    const plain = new AbortController()
    plain.abort()
    await expect(crc32('x', { signal: plain.signal })).rejects.toMatchObject({ name: 'AbortError' })
  })

  test('abort while a Blob slice is being read: rejects at once, the pending read is not waited for', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    const blob = new RecordingBlob([BIG], () => held)
    const controller = new AbortController()
    const run = crc32c(blob, { signal: controller.signal, chunkSize: MiB })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(blob.reads).toEqual([MiB])
    controller.abort(new Error('user cancelled'))
    await expect(run).rejects.toThrow('user cancelled')
    release()
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(blob.reads).toEqual([MiB])
  })

  test('abort while a stream is waiting for its next chunk: rejects, and the stream is cancelled with the reason', async () => {
    const cancelled: unknown[] = []
    let sent = false
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (!sent) c.enqueue(new Uint8Array(100))
        sent = true
        return new Promise(() => {})
      },
      cancel: (r) => void cancelled.push(r),
    })
    const controller = new AbortController()
    const progress: number[] = []
    const run = sha1(stream, { signal: controller.signal, onProgress: (n) => progress.push(n) })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(progress).toEqual([100])
    const reason = new Error('timeout')
    controller.abort(reason)
    await expect(run).rejects.toBe(reason)
    expect(cancelled).toEqual([reason])
  })

  test('abort from the progress callback stops after that chunk (Blob, bytes, async iterable)', async () => {
    for (const make of [() => new RecordingBlob([BIG]), () => BIG, () => iterableOf(pieces(BIG, [0, MiB, 2 * MiB, 3 * MiB, BIG.length]))]) {
      const controller = new AbortController()
      const seen: number[] = []
      const input = make()
      const run = md5(input, {
        chunkSize: MiB,
        signal: controller.signal,
        onProgress: (n) => {
          seen.push(n)
          if (n >= 2 * MiB) controller.abort()
        },
      })
      await expect(run).rejects.toMatchObject({ name: 'AbortError' })
      expect(seen).toEqual([MiB, 2 * MiB])
      if (input instanceof RecordingBlob) expect(input.reads).toEqual([MiB, MiB, MiB])
    }
  })

  test('chunks may be strings (UTF-8) or any view; a chunk of another type rejects and closes the iterator', async () => {
    const text = new TextEncoder().encode('text chunk')
    const mixed = iterableOf([new Uint8Array(10), 'text chunk' as unknown as Uint8Array, new Uint16Array(5) as unknown as Uint8Array])
    expect(await crc32(mixed)).toBe(await crc32(concat(new Uint8Array(10), text, new Uint8Array(10))))
    let closed = false
    const bad = (async function* (): AsyncGenerator<Uint8Array> {
      try {
        yield new Uint8Array(10)
        yield 42 as unknown as Uint8Array
        yield new Uint8Array(10)
      } finally {
        closed = true
      }
    })()
    await expect(crc32(bad)).rejects.toMatchObject({ code: 'InvalidOption', field: 'data (a chunk of the stream)' })
    expect(closed).toBe(true)
  })
})

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

describe('stream errors', () => {
  test('a stream that errors mid-way rejects with its error', async () => {
    const error = new Error('network reset')
    let n = 0
    const stream = new ReadableStream<Uint8Array>({ pull: (c) => (n++ < 3 ? c.enqueue(new Uint8Array(1000)) : c.error(error)) })
    await expect(crc32(stream)).rejects.toBe(error)
    const failing = new RecordingBlob([BIG.subarray(0, 3 * MiB)], async () => {
      throw new Error('NotReadableError: the file changed')
    })
    await expect(sha256(failing, { chunkSize: MiB })).rejects.toThrow('the file changed')
  })
})

describe('Blob-like objects', () => {
  test('any object with size, slice and arrayBuffer is read as a Blob (another realm, a polyfill)', async () => {
    const data = BIG.subarray(0, 3 * MiB + 5)
    const like = { size: data.length, slice: (a: number, b: number) => new Blob([data.subarray(a, b)]), arrayBuffer: () => Promise.reject(new Error('never whole')) }
    expect(await crc32c(like as unknown as Blob, { chunkSize: MiB })).toBe(oracle('CRC32C')(data))
  })

  test('a Blob whose slices come back short (the file changed on disk) is refused, not hashed', async () => {
    const data = BIG.subarray(0, 3 * MiB)
    const shrinking = { size: data.length, slice: (a: number, b: number) => new Blob([data.subarray(a, a >= MiB ? b - 1 : b)]), arrayBuffer: () => Promise.reject(new Error('x')) }
    await expect(md5(shrinking as unknown as Blob, { chunkSize: MiB })).rejects.toMatchObject({
      code: 'InvalidOption',
      field: 'data',
      message: expect.stringMatching(/the Blob changed while it was read: a slice of 1048576 bytes gave 1048575/),
    })
  })
})

describe('the Web Crypto shortcut of SHA-1 and SHA-256 (input whole in memory, from 16 KiB)', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  const sizes = [16_383, 16_384, 100_000, 2 * MiB + 3]

  test('Web Crypto is used from 16 KiB, and gives what the JavaScript hasher gives', async () => {
    const spy = vi.spyOn(crypto.subtle, 'digest')
    for (const n of sizes) {
      const data = BIG.subarray(1, 1 + n)
      expect(await sha256(data)).toBe(createSha256().update(data).digestBase64())
      expect(await sha1(data)).toBe(createChecksum('SHA1').update(data).digestBase64())
      expect(await sha1(new Blob([data]))).toBe(oracle('SHA1')(data))
    }
    // 3 of the 4 sizes, for bytes and (SHA-1) a Blob of one slice: 3 × 3 calls.
    expect(spy).toHaveBeenCalledTimes(9)
  })

  test('without crypto.subtle (a page on plain http://), or when it refuses, the JavaScript hasher gives the same', async () => {
    const data = BIG.subarray(0, 100_000)
    const want = oracle('SHA256')(data)
    vi.stubGlobal('crypto', {})
    expect(await sha256(data)).toBe(want)
    vi.unstubAllGlobals()
    vi.spyOn(crypto.subtle, 'digest').mockRejectedValue(new Error('OperationError'))
    expect(await sha256(data)).toBe(want)
    vi.restoreAllMocks()
    vi.spyOn(crypto.subtle, 'digest').mockImplementation(() => {
      throw new TypeError('not a BufferSource')
    })
    expect(await sha256(data)).toBe(want)
    vi.restoreAllMocks()
    const shared = new Uint8Array(new SharedArrayBuffer(data.length))
    shared.set(data)
    expect(await sha256(shared)).toBe(want)
  })

  test('abort while Web Crypto works: rejects with the reason', async () => {
    vi.spyOn(crypto.subtle, 'digest').mockReturnValue(new Promise(() => {}))
    const controller = new AbortController()
    const run = sha256(BIG, { signal: controller.signal })
    controller.abort(new Error('stop'))
    await expect(run).rejects.toThrow('stop')
  })
})
