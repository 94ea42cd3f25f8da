/**
 * Part-size planning for S3 multipart uploads, within S3's limits: every part but the last at least 5 MiB, every part
 * at most 5 GiB, at most 10,000 parts, at most 48.8 TiB in all (10,000 parts of 5 GiB).
 */
import { fail } from '../core/errors.js'

// Numeric literals (not 5 * MiB): bundlers drop an unused literal, but keep arithmetic they cannot prove pure.
const MiB = 1048576

/** S3's multipart upload limits, in bytes and parts. */
export interface S3MultipartLimits {
  /** The smallest part but the last: 5 MiB (5,242,880 bytes). The last part may be smaller, even empty. */
  readonly minPartSize: number
  /** The largest part: 5 GiB (5,368,709,120 bytes). */
  readonly maxPartSize: number
  /** The most parts of one upload (part numbers 1..10000). */
  readonly maxParts: number
  /** The largest object: 48.8 TiB, 10,000 parts of 5 GiB (53,687,091,200,000 bytes; it used to be 5 TiB). */
  readonly maxObjectSize: number
}

/** S3's multipart upload limits (AWS's "Amazon S3 multipart upload limits"). */
export const S3_MULTIPART_LIMITS: S3MultipartLimits = /* @__PURE__ */ Object.freeze({ minPartSize: 5242880, maxPartSize: 5368709120, maxParts: 10000, maxObjectSize: 53687091200000 })


/** The default part size, unless more parts than `maxParts` would be needed. */
const DEFAULT_PART_SIZE = 8388608

/** Options of {@link planParts}. */
export interface PartPlanOptions {
  /** Bytes per part (the last may be smaller): an integer in 5 MiB..5 GiB. Default: the smallest of 8 MiB or more, in whole MiB, that needs at most `maxParts` parts. */
  readonly partSize?: number | undefined
  /** The most parts to use, an integer in 1..10000. Default 10000. */
  readonly maxParts?: number | undefined
}

/** One part of a plan: bytes `[start, end)` of the file, e.g. `file.slice(start, end)`. */
export interface PlannedPart {
  /** The part number, 1..partCount. */
  readonly partNumber: number
  /** Offset of the first byte. */
  readonly start: number
  /** Offset after the last byte (exclusive): `end - start` is the part's size. */
  readonly end: number
  /** The part's size in bytes (`end - start`). */
  readonly size: number
}

/** How a file of `size` bytes is cut into parts. */
export interface PartPlan {
  /** The file's size in bytes. */
  readonly size: number
  /** Bytes per part; the last part has the rest (`size - (partCount - 1) * partSize`). */
  readonly partSize: number
  /** The number of parts, at least 1 (a 0-byte file is one empty part). */
  readonly partCount: number
  /** Part `partNumber` (an integer in 1..partCount). */
  part(partNumber: number): PlannedPart
  /** Every part, in order. */
  parts(): PlannedPart[]
}

/** The options, checked: `{ partSize?, maxParts }`. */
function checkOptions(options: PartPlanOptions | undefined): { partSize: number | undefined; maxParts: number } {
  if (options === undefined) return { partSize: undefined, maxParts: S3_MULTIPART_LIMITS.maxParts }
  if (options === null || typeof options !== 'object') fail('InvalidOption', 'options', 'must be an object { partSize?, maxParts? }', options)
  const { partSize, maxParts = S3_MULTIPART_LIMITS.maxParts } = options
  const { minPartSize, maxPartSize } = S3_MULTIPART_LIMITS
  if (!Number.isInteger(maxParts) || maxParts < 1 || maxParts > S3_MULTIPART_LIMITS.maxParts) {
    fail('InvalidPartPlan', 'options.maxParts', 'must be an integer in 1..10000 (S3 allows at most 10,000 parts)', maxParts)
  }
  if (partSize !== undefined && (!Number.isInteger(partSize) || partSize < minPartSize || partSize > maxPartSize)) {
    fail('InvalidPartPlan', 'options.partSize', `must be an integer in ${minPartSize}..${maxPartSize} (5 MiB..5 GiB, S3's part sizes)`, partSize)
  }
  return { partSize, maxParts }
}

/** The part size: the given one if it needs at most `maxParts` parts, else the default (8 MiB or more, whole MiB). */
function choosePartSize(size: number, partSize: number | undefined, maxParts: number): number {
  const fits = Math.ceil(size / maxParts)
  if (partSize !== undefined) {
    if (Math.ceil(size / partSize) > maxParts) {
      const hint = fits <= S3_MULTIPART_LIMITS.maxPartSize ? `use at least ${fits} bytes per part` : 'no part size fits (5 GiB at most)'
      fail('InvalidPartPlan', 'options.partSize', `gives ${Math.ceil(size / partSize)} parts for ${size} bytes, more than maxParts (${maxParts}): ${hint}`)
    }
    return partSize
  }
  if (fits > S3_MULTIPART_LIMITS.maxPartSize) {
    const least = Math.ceil(size / S3_MULTIPART_LIMITS.maxPartSize)
    fail('InvalidPartPlan', 'options.maxParts', `is too small for ${size} bytes: parts are at most 5 GiB (5368709120 bytes), so S3 needs at least ${least} parts`, maxParts)
  }
  return Math.max(DEFAULT_PART_SIZE, Math.ceil(fits / MiB) * MiB)
}

/**
 * Cut a file of `size` bytes into parts for a multipart upload, within S3's limits ({@link S3_MULTIPART_LIMITS}):
 * every part but the last at least 5 MiB, every part at most 5 GiB, at most 10,000 parts, at most 48.8 TiB in all.
 * By default parts are 8 MiB, or the smallest whole number of MiB above that which needs at most 10,000 parts
 * (a 5 TiB file: 525 MiB parts, 9,987 of them; the largest, 10,000 parts of 5 GiB). A 0-byte file is one empty part
 * (S3 needs at least one part).
 *
 * @example
 * const plan = planParts(file.size)
 * for (const { partNumber, start, end } of plan.parts()) {
 *   await fetch(partUrls[partNumber], { method: 'PUT', body: file.slice(start, end) })
 * }
 * @throws {PresignError} `InvalidPartPlan`: `size` not an integer in 0..48.8 TiB, `options.partSize` outside 5 MiB..5 GiB
 *   or needing more than `maxParts` parts, `options.maxParts` outside 1..10000 or too few for `size`;
 *   `InvalidOption`: `options` not an object
 */
export function planParts(size: number, options?: PartPlanOptions): PartPlan {
  const { maxObjectSize } = S3_MULTIPART_LIMITS
  if (!Number.isInteger(size) || size < 0 || size > maxObjectSize) {
    fail('InvalidPartPlan', 'size', `must be an integer number of bytes in 0..${maxObjectSize} (48.8 TiB, S3's largest object)`, size)
  }
  const checked = checkOptions(options)
  const partSize = choosePartSize(size, checked.partSize, checked.maxParts)
  const partCount = Math.max(1, Math.ceil(size / partSize))
  const part = (partNumber: number): PlannedPart => {
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > partCount) fail('InvalidOption', 'partNumber', `must be an integer in 1..${partCount} (the plan's parts)`, partNumber)
    const start = (partNumber - 1) * partSize
    const end = Math.min(start + partSize, size)
    return { partNumber, start, end, size: end - start }
  }
  return {
    size,
    partSize,
    partCount,
    part,
    parts: () => Array.from({ length: partCount }, (_, i) => part(i + 1)),
  }
}
