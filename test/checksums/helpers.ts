/**
 * Shared pieces of the checksum suites: seeded bytes, the independent oracles (node:crypto, node:zlib, aws-crt), and
 * inputs of every kind (Blob, ReadableStream, async iterable) over the same bytes.
 */
import { createHash } from 'node:crypto'
import zlib from 'node:zlib'
import { checksums as crt } from 'aws-crt'
import type { ChecksumAlgorithm } from '../../src/checksums/index.js'

export const MiB = 1 << 20
export const ALGORITHMS: readonly ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256', 'MD5']

/** A small seeded generator (xorshift32): the same bytes on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    return (s >>> 0) / 0x100000000
  }
}

export function randomBytes(n: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(n)
  const next = rng(seed)
  for (let i = 0; i < n; i += 4) {
    const w = Math.floor(next() * 0x100000000)
    for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = w >>> (8 * k)
  }
  return out
}

const b64 = (bytes: Uint8Array | ArrayBufferView): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')
const be32 = (n: number): string => {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(n >>> 0)
  return out.toString('base64')
}

/** aws-crt's CRCs (AWS's C implementation): what S3's SDKs compute. */
const asBuffer = (d: Uint8Array): Buffer => Buffer.from(d.buffer, d.byteOffset, d.byteLength)
export const crtOracle: Readonly<Record<'CRC32' | 'CRC32C' | 'CRC64NVME', (d: Uint8Array) => string>> = {
  CRC32: (d) => be32(crt.crc32(asBuffer(d))),
  CRC32C: (d) => be32(crt.crc32c(asBuffer(d))),
  CRC64NVME: (d) => b64(crt.crc64nvme(asBuffer(d))),
}

/** node:crypto for the hashes. */
export const nodeOracle: Readonly<Record<'SHA1' | 'SHA256' | 'MD5', (d: Uint8Array) => string>> = {
  SHA1: (d) => createHash('sha1').update(d).digest('base64'),
  SHA256: (d) => createHash('sha256').update(d).digest('base64'),
  MD5: (d) => createHash('md5').update(d).digest('base64'),
}

/** node:zlib's crc32 (Node ≥ 20.15 and 22.2), when this Node has it. */
export const zlibCrc32: ((d: Uint8Array) => string) | undefined =
  typeof (zlib as { crc32?: unknown }).crc32 === 'function' ? (d) => be32((zlib as unknown as { crc32: (d: Uint8Array) => number }).crc32(d)) : undefined

/** The oracle of an algorithm (aws-crt for the CRCs, node:crypto for the hashes). */
export function oracle(algorithm: ChecksumAlgorithm): (d: Uint8Array) => string {
  return algorithm === 'SHA1' || algorithm === 'SHA256' || algorithm === 'MD5' ? nodeOracle[algorithm] : crtOracle[algorithm]
}

/** Split points: `count` random cuts of `n` bytes (sorted, duplicates allowed, so empty pieces occur). */
export function cuts(n: number, count: number, next: () => number): number[] {
  const points = Array.from({ length: count }, () => Math.floor(next() * (n + 1)))
  return [0, ...points.sort((a, b) => a - b), n]
}

export function pieces(data: Uint8Array<ArrayBuffer>, points: readonly number[]): Uint8Array<ArrayBuffer>[] {
  const out: Uint8Array<ArrayBuffer>[] = []
  for (let i = 1; i < points.length; i++) out.push(data.subarray(points[i - 1], points[i]))
  return out
}

/** A ReadableStream that yields `chunks` (each copied into its own buffer, as a network stream gives them). */
export function streamOf(chunks: readonly Uint8Array[], onCancel?: (reason: unknown) => void): ReadableStream<Uint8Array> {
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < chunks.length) controller.enqueue(chunks[i++]!.slice())
      else controller.close()
    },
    cancel(reason) {
      onCancel?.(reason)
    },
  })
}

export async function* iterableOf(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c
}

/**
 * A Blob that records every slice read from it (their sizes, how many reads are in flight at once, whether the whole
 * Blob was ever read at once), and can hold each slice's read until `gate` resolves.
 */
export class RecordingBlob extends Blob {
  readonly reads: number[] = []
  inFlight = 0
  maxInFlight = 0
  wholeReads = 0

  constructor(
    parts: BlobPart[],
    private readonly gate?: () => Promise<void>,
  ) {
    super(parts)
  }

  override slice(start?: number, end?: number, type?: string): Blob {
    const part = super.slice(start, end, type)
    this.reads.push(part.size)
    const read = async (): Promise<ArrayBuffer> => {
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight)
      try {
        await this.gate?.()
        return await Blob.prototype.arrayBuffer.call(part)
      } finally {
        this.inFlight--
      }
    }
    return Object.assign(part, { arrayBuffer: read })
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    this.wholeReads++
    return super.arrayBuffer()
  }

  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    this.wholeReads++
    return super.stream()
  }
}
