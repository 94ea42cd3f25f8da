/**
 * The checksums entry under hostile input: anything that is not bytes, a Blob, a stream or an async iterable of bytes
 * is a typed `PresignError` (`InvalidOption`), never a raw TypeError, and never a checksum of bytes the input did not
 * hold. Found in review: detached buffers, locked streams, readers and iterators that give nothing, Blob-likes whose
 * slices are not Blobs or read as a number (hashed as that many zero bytes), and a one-slice Blob whose read differs
 * from its size, which SHA-256 and SHA-1 (the Web Crypto path) hashed where the other algorithms refused it.
 */
import { describe, expect, test } from 'vitest'
import { CHECKSUM_ALGORITHMS, checksum, createSha1, crc32, toBase64 } from '../../src/checksums/index.js'
import { PresignError } from '../../src/index.js'

const typed = { name: 'PresignError', code: 'InvalidOption' }
/** An ArrayBuffer transferred away (its bytes are gone), and views made over one before it was. */
function detached(): { buffer: ArrayBuffer; views: ArrayBufferView[] } {
  const buffer = new ArrayBuffer(8)
  const views = [new DataView(buffer), new Float32Array(buffer), new Uint16Array(buffer, 2)]
  structuredClone(buffer, { transfer: [buffer] })
  return { buffer, views }
}
const asBlob = (slice: () => unknown, size = 3) => ({ size, slice, arrayBuffer: async () => new ArrayBuffer(size) }) as unknown as Blob

describe('checksums: hostile input is a PresignError', () => {
  test('a detached ArrayBuffer, and views over one, for every algorithm, a hasher and toBase64', async () => {
    const { buffer, views } = detached()
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      await expect(checksum(algorithm, buffer)).rejects.toMatchObject(typed)
      for (const view of views) await expect(checksum(algorithm, view)).rejects.toMatchObject(typed)
    }
    expect(() => createSha1().update(buffer)).toThrow(PresignError)
    expect(() => toBase64(views[0]!)).toThrow(/detached/)
  })

  test('a locked ReadableStream, a stream-like without a reader, an iterator that is null or gives no result', async () => {
    const locked = new ReadableStream<Uint8Array>()
    locked.getReader()
    const inputs = [
      locked,
      { getReader: () => null },
      { getReader: () => ({}) },
      { [Symbol.asyncIterator]: () => null },
      { [Symbol.asyncIterator]: () => ({ next: () => undefined }) },
      { [Symbol.asyncIterator]: () => ({ next: async () => 42 }) },
      { getReader: () => ({ read: async () => null, cancel: async () => {} }) },
    ]
    for (const input of inputs) await expect(crc32(input as never)).rejects.toMatchObject({ ...typed, field: 'data' })
  })

  test('a Blob-like whose slices are not Blobs or do not read as bytes is refused, not hashed as zeros', async () => {
    for (const slice of [() => ({}), () => null, () => ({ arrayBuffer: async () => 3 }), () => ({ arrayBuffer: async () => 'abc' }), () => ({ arrayBuffer: async () => new Uint8Array(3) })]) {
      for (const algorithm of CHECKSUM_ALGORITHMS) await expect(checksum(algorithm, asBlob(slice))).rejects.toMatchObject({ ...typed, field: 'data' })
    }
  })

  test('a Blob whose slice reads more or fewer bytes than its size: refused by every algorithm, one slice or many', async () => {
    for (const [size, read] of [[3, 5], [3, 2], [10, 9]] as const) {
      const lying = asBlob(() => ({ arrayBuffer: async () => new ArrayBuffer(read) }), size)
      for (const algorithm of CHECKSUM_ALGORITHMS) {
        for (const chunkSize of [undefined, 4]) {
          await expect(checksum(algorithm, lying, { chunkSize })).rejects.toMatchObject({ ...typed, message: expect.stringMatching(/the Blob changed/) })
        }
      }
    }
  })

  test('the good inputs still hash: a Blob, a stream, an async iterable, a view with an offset', async () => {
    const bytes = new TextEncoder().encode('123456789')
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(bytes)
        c.close()
      },
    })
    async function* chunks() {
      yield bytes.subarray(0, 4)
      yield bytes.subarray(4)
    }
    const offset = new Uint8Array(new ArrayBuffer(12), 3, 9)
    offset.set(bytes)
    for (const input of [new Blob([bytes]), stream, chunks(), offset, new DataView(offset.buffer, 3, 9)]) expect(await crc32(input)).toBe('y/Q5Jg==')
  })
})
