/** Part URLs: asked from the backend in batches, cached, and asked again when they expire. */
import { PresignError } from '../core/errors.js'
import { raceAbort } from './retry.js'
import { normalizeRequest } from './request.js'
import type { UploadBackend } from './types.js'
import { urlDeadline } from './url-expiry.js'

/** @internal A part's presigned request and the local time after which it is re-requested rather than sent. */
export interface SignedPart {
  readonly request: { readonly url: string; readonly method: string; readonly headers: Readonly<Record<string, string>> }
  readonly deadline: number
}

/** @internal The part URLs of one upload. */
export class PartUrls {
  private readonly cache = new Map<number, SignedPart>()
  private readonly pending = new Map<number, Promise<void>>()

  /**
   * @param upcoming the part numbers that will be needed next, in order (not yet stored, not in flight)
   */
  constructor(
    private readonly backend: UploadBackend,
    private readonly uploadId: string,
    private readonly batchSize: number,
    private readonly upcoming: () => Iterable<number>,
    private readonly signal: AbortSignal,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The request for part `n`. A cached one past its deadline is asked again, and so is any one when `fresh` (S3
   * said it expired); a freshly asked one is returned as is, so a skewed clock cannot cause a loop.
   */
  async get(n: number, fresh: boolean): Promise<SignedPart> {
    if (fresh) this.cache.delete(n)
    for (let round = 0; round < 3; round++) {
      const cached = this.cache.get(n)
      if (cached && (round > 0 || cached.deadline > this.now())) return cached
      const inFlight = this.pending.get(n)
      if (inFlight) await inFlight
      else await this.fetch(n)
    }
    const got = this.cache.get(n)
    if (!got) throw new PresignError('InvalidOption', 'backend.signParts', `must resolve to an object with a URL for each part number asked for (none for part ${n})`)
    return got
  }

  /** Forget part `n`'s URL (its part is stored). */
  drop(n: number): void {
    this.cache.delete(n)
  }

  /** Ask for `n` and the next parts without a usable URL, up to the batch size. */
  private async fetch(n: number): Promise<void> {
    const numbers = [n]
    const now = this.now()
    for (const m of this.upcoming()) {
      if (numbers.length >= this.batchSize) break
      const cached = this.cache.get(m)
      if (m !== n && !this.pending.has(m) && !(cached && cached.deadline > now)) numbers.push(m)
    }
    const call = this.call(numbers)
    for (const m of numbers) this.pending.set(m, call)
    try {
      await call
    } finally {
      for (const m of numbers) if (this.pending.get(m) === call) this.pending.delete(m)
    }
  }

  private async call(numbers: number[]): Promise<void> {
    const result = await raceAbort(Promise.resolve(this.backend.signParts({ uploadId: this.uploadId, partNumbers: numbers.slice(), signal: this.signal })), this.signal)
    if (result === null || typeof result !== 'object') {
      throw new PresignError('InvalidOption', 'backend.signParts', 'must resolve to { [partNumber]: url } or [{ partNumber, url }]')
    }
    const receivedAt = this.now()
    for (const m of numbers) {
      const value = partOf(result, m)
      if (value === undefined) continue
      const request = normalizeRequest(value, `backend.signParts()[${m}]`, 'PUT')
      this.cache.set(m, { request, deadline: urlDeadline(request.url, receivedAt) })
    }
  }
}

/** Part `n` of a `signParts` answer: `{ [n]: url or request }`, or an array of `{ partNumber, url }` (what `presignUploadParts` returns). */
function partOf(result: object, n: number): unknown {
  if (!Array.isArray(result)) return Object.hasOwn(result, n) ? (result as Record<number, unknown>)[n] : undefined
  for (const item of result as unknown[]) if (item !== null && typeof item === 'object' && (item as { partNumber?: unknown }).partNumber === n) return item
  return undefined
}
