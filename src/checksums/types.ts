/** The types of sigv4-presign/checksums. */

/**
 * The checksum algorithms S3 accepts, spelled as S3 spells them in `x-amz-sdk-checksum-algorithm` and
 * `x-amz-checksum-algorithm`, plus `MD5` for `Content-MD5`.
 *
 * @example
 * const algorithm: ChecksumAlgorithm = 'CRC32C'
 */
export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256' | 'MD5'

/**
 * The lower-case names of the request headers that carry each algorithm's value, as {@link checksumHeader} gives them.
 *
 * @example
 * const header: ChecksumHeader = 'x-amz-checksum-crc64nvme'
 */
export type ChecksumHeader =
  | 'x-amz-checksum-crc32'
  | 'x-amz-checksum-crc32c'
  | 'x-amz-checksum-crc64nvme'
  | 'x-amz-checksum-sha1'
  | 'x-amz-checksum-sha256'
  | 'content-md5'

/**
 * Bytes a hasher absorbs: any typed array or `DataView` (its bytes, not its elements), an `ArrayBuffer`, or a string
 * (hashed as its UTF-8 bytes).
 *
 * @example
 * const parts: HashData[] = [new Uint8Array([1, 2]), new ArrayBuffer(8), 'text as UTF-8']
 */
export type HashData = ArrayBufferView | ArrayBuffer | string

/**
 * What {@link checksum} and the one-algorithm functions (`crc32c(data)`…) read: bytes in memory, a `Blob` or `File`
 * (read in slices of `chunkSize`, so a large file never has to fit in memory), a `ReadableStream` of bytes, an async
 * iterable of bytes (a Node stream), or a string (its UTF-8 bytes). Chunks of a stream may be any `HashData`.
 *
 * Bytes already in memory are hashed without returning to the event loop (the signal is checked between chunks, but
 * nothing else runs meanwhile): on a page, pass the `File` itself, which is read asynchronously, or hash in a worker.
 *
 * @example
 * const inputs: ChecksumInput[] = [new Uint8Array(3), new Blob(['abc']), new Response('abc').body!, 'abc']
 */
export type ChecksumInput = HashData | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>

/**
 * Options of {@link checksum} and the one-algorithm functions.
 *
 * @example
 * const options: ChecksumOptions = { signal: AbortSignal.timeout(60_000), onProgress: (bytes) => console.log(bytes), chunkSize: 8 << 20 }
 */
export interface ChecksumOptions {
  /** Stops the reading: the promise rejects with `signal.reason`, and a stream is cancelled. */
  readonly signal?: AbortSignal | undefined
  /**
   * Called with the number of bytes hashed so far, after each chunk, and at least once, with the total, before the
   * promise resolves.
   */
  readonly onProgress?: ((bytes: number) => void) | undefined
  /**
   * Bytes read from a `Blob` at a time, and the most hashed between two progress calls or abort checks (an integer,
   * 1 to 2^30). Default 4 MiB. Memory in use is about twice this (one slice hashed while the next is read).
   */
  readonly chunkSize?: number | undefined
}

/**
 * An incremental hasher, from `createChecksum(algorithm)` or `createCrc32c()`…: feed it with `update` as the data
 * arrives, then read the digest. `digest()` does not end it: more `update`s continue the same message.
 *
 * @example
 * const hasher = createCrc32c().update('1234').update(new TextEncoder().encode('56789'))
 * hasher.digestBase64() === '4waSgw=='
 */
export interface Hasher {
  /** The algorithm, as S3 spells it. */
  readonly algorithm: ChecksumAlgorithm
  /** Bytes of the digest: 4 (CRC32, CRC32C), 8 (CRC64NVME), 16 (MD5), 20 (SHA1), 32 (SHA256). */
  readonly digestLength: number
  /** Absorbs more bytes (a string as its UTF-8); returns the hasher. */
  update(data: HashData): this
  /** The digest of everything absorbed so far: the CRC's big-endian bytes, or the hash's bytes. */
  digest(): Uint8Array
  /** {@link Hasher.digest} in base64: the value of the `x-amz-checksum-*` (or `Content-MD5`) header. */
  digestBase64(): string
  /** Forgets everything absorbed; returns the hasher. */
  reset(): this
}
