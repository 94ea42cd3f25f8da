/**
 * The library's caches (signing keys, sync signing keys, SigV4a keys, per-scope URL fragments) are keyed by every
 * input that shapes what they hold: a run that interleaves two credential sets, session tokens, days, regions,
 * services, SigV4 and SigV4a gives, call by call, what a fresh module instance (every cache empty) gives.
 */
import { describe, expect, test, vi } from 'vitest'
import type * as Lib from '../../src/index.js'

const A = { accessKeyId: 'AKIDAAAAAAAAAAAAAAAA', secretAccessKey: 'secret-a' }
const B = { accessKeyId: 'AKIDBBBBBBBBBBBBBBBB', secretAccessKey: 'secret-b' }

interface Input {
  readonly creds: { accessKeyId: string; secretAccessKey: string }
  readonly token: string | undefined
  readonly v4a: boolean
  readonly day: string
  readonly region: string
  readonly service: string
}

const inputs: Input[] = []
for (const creds of [A, B, { ...A, secretAccessKey: 'secret-a2' }]) {
  for (const token of [undefined, 'TOKEN-1', 'TOKEN+2/=']) {
    for (const v4a of [false, true]) {
      for (const [day, region, service] of [['2026-12-01', 'us-east-1', 's3'], ['2026-12-02', 'eu-west-1', 'execute-api']] as const) {
        inputs.push({ creds, token, v4a, day, region, service })
      }
    }
  }
}
// Interleave: every input follows one that differs in some other way.
const order = inputs.flatMap((_, i) => [inputs[i]!, inputs[(i * 7 + 3) % inputs.length]!])

const url = (i: Input) => `https://h.example.com/${i.service}/a%20b?x=1`

async function sign(lib: typeof Lib, i: Input, sync: boolean): Promise<string> {
  const credentials = { ...i.creds, sessionToken: i.token }
  const signingDate = i.day + 'T10:00:00Z'
  if (i.v4a) return lib.presignV4a({ url: url(i) }, { credentials, service: i.service, signingDate, regionSet: [i.region] })
  const options = { credentials, region: i.region, service: i.service, signingDate }
  return sync ? lib.presignSync({ url: url(i) }, options) : lib.presign({ url: url(i) }, options)
}

/** SigV4a signatures are randomized (ECDSA): compare the URL without it. */
const unsigned = (u: string) => u.replace(/&X-Amz-Signature=[0-9a-f]+$/, '')

describe('caches: interleaved inputs give what a fresh module gives', () => {
  test(`${order.length} interleaved calls (presign, presignSync, presignV4a) against uncached results`, async () => {
    const shared = await import('../../src/index.js')
    const cached: string[] = []
    for (const [n, i] of order.entries()) cached.push(await sign(shared, i, n % 2 === 0))
    let v4aChecked = 0
    for (const [n, i] of order.entries()) {
      vi.resetModules()
      const fresh = (await import('../../src/index.js')) as typeof Lib
      const expected = await sign(fresh, i, n % 2 === 1)
      expect(cached[n]!.includes(encodeURIComponent(i.creds.accessKeyId))).toBe(true)
      if (!i.v4a) {
        expect(cached[n], `call ${n}`).toBe(expected)
        continue
      }
      expect(unsigned(cached[n]!), `call ${n}`).toBe(unsigned(expected))
      // The cached SigV4a signature verifies against keys derived afresh from this call's own secret.
      const r = await fresh.verifyPresigned(
        { method: 'GET', url: cached[n]! },
        { credentials: (id) => (id === i.creds.accessKeyId ? { ...i.creds, sessionToken: i.token } : undefined), service: i.service, region: i.region, now: Date.parse(i.day + 'T10:00:01Z') },
      )
      expect(r.ok, `call ${n}: ${JSON.stringify(r)}`).toBe(true)
      v4aChecked++
    }
    expect(v4aChecked).toBe(order.length / 2)
  }, 120_000)
})
