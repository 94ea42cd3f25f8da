/**
 * core/url.ts checkHost: the URLs the library builds from an endpoint sign its host exactly as URL parsers (fetch,
 * browsers, `new URL`) will send it, or refuse it. The WHATWG parser of this runtime is the oracle: for each host,
 * through presignS3's endpoint and Cloud Storage's endpoint and bucket-bound hostname, either an `InvalidUrl`
 * PresignError or a URL whose host is the signed `host:` line. (`presign` signs the URL it is given as written: the
 * recipes sign hosts that are no HTTP hosts, such as an ElastiCache cache name `8`.) Found in review: `127.1`, `2130706433`, `[0:0:0:0:0:0:0:1]` were signed
 * as written (clients send `127.0.0.1`, `[::1]`), and `[1]`, `999.1.1.1`, `foo.123` gave URLs `new URL` refuses. A name
 * is sent as written, even with an empty label (`a..b`, which no DNS resolves: an error the user sees, not a signature).
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { presignGcsDetailed } from '../../src/gcs/index.js'
import { PresignError, presignDetailed, presignS3Detailed } from '../../src/index.js'
import { DOC_CREDENTIALS } from '../helpers/fixtures.js'

const signingDate = '2026-03-04T05:06:07Z'
const options = { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', signingDate }
const HMAC = { accessId: 'GOOG1EXAMPLE', secret: 'bGAaEXAMPLEsecret+/0123456789abcdefghijkl' }

/** The signed `host:` line and the URL of a signer's result. */
type Signed = { url: string; canonicalRequest: string }
/** Name, field, signer. SigV4 signs the host with its port; Cloud Storage, as Google's client library, without it. */
const SIGNERS: Array<[string, string, (host: string) => Promise<Signed>]> = [
  ['presignS3 endpoint', 'location.endpoint', (host) => presignS3Detailed({ bucket: 'b', key: 'k', region: 'us-east-1', endpoint: `http://${host}:9000` }, { credentials: DOC_CREDENTIALS, signingDate })],
  ['presignGcs endpoint', 'location.endpoint', (host) => presignGcsDetailed({ bucket: 'my-bucket', key: 'k', endpoint: `http://${host}:9000` }, { credentials: HMAC, signingDate })],
  ['presignGcs bucketBoundHostname', 'location.bucketBoundHostname', (host) => presignGcsDetailed({ bucket: 'my-bucket', key: 'k', bucketBoundHostname: `http://${host}` }, { credentials: HMAC, signingDate })],
]

/** Sign for `host`: the PresignError, or the signed host line and the host `new URL` reads from the URL. */
async function signFor(sign: (host: string) => Promise<Signed>, host: string): Promise<PresignError | { signed: string; sent: string }> {
  let r: Signed
  try {
    r = await sign(host)
  } catch (e) {
    if (e instanceof PresignError) return e
    throw e
  }
  const line = r.canonicalRequest.split('\n').find((l) => l.startsWith('host:'))!
  const url = new URL(r.url)
  return { signed: line.slice(5), sent: r.url.includes('X-Goog-Signature=') ? url.hostname : url.host }
}

describe('checkHost: a host is signed as clients send it, or refused', () => {
  const REWRITTEN = ['127.1', '2130706433', '0x7f.0.0.1', '127.000.0.1', '[0:0:0:0:0:0:0:1]', '[::FFFF:1.2.3.4]', '[::ffff:1.2.3.4]', '[0::1]']
  const REFUSED = ['[1]', '[:]', '999.1.1.1', 'foo.123', '08', '1.2.3.4.5', '1..2']
  const KEPT = ['127.0.0.1', '10.0.0.255', '[::1]', '[2001:db8::1]', 'localhost', 'minio', 's3.example.com', 'a-b.c', 'example.com.', '1a.example']

  test.each(SIGNERS)('%s: rewritten and unparsable hosts are InvalidUrl naming %s; canonical ones are kept', async (_, field, sign) => {
    for (const host of [...REWRITTEN, ...REFUSED]) {
      const r = await signFor(sign, host)
      expect(r, host).toBeInstanceOf(PresignError)
      expect([(r as PresignError).code, (r as PresignError).field], host).toEqual(['InvalidUrl', field])
    }
    for (const host of KEPT) {
      const r = await signFor(sign, host)
      expect(r, host).not.toBeInstanceOf(PresignError)
      const { signed, sent } = r as { signed: string; sent: string }
      expect(signed, host).toBe(sent)
      expect(signed.startsWith(host.toLowerCase()), host).toBe(true)
    }
  })

  test('the message names the host clients would send', async () => {
    const s3 = (endpoint: string) => presignS3Detailed({ bucket: 'b', key: 'k', region: 'us-east-1', endpoint }, { credentials: DOC_CREDENTIALS, signingDate })
    await expect(s3('http://127.1:9000')).rejects.toThrow('location.endpoint: must have a host that URL parsers send as written (127.1 is sent as 127.0.0.1)')
    await expect(s3('http://[1]')).rejects.toThrow('([1] is no host to them)')
  })

  test('presign signs the host of the URL it is given as written (a recipe signs a cache name such as "8")', async () => {
    const r = await presignDetailed({ method: 'GET', url: 'http://127.1:9000/b/k' }, options)
    expect(r.canonicalRequest.split('\n')).toContain('host:127.1:9000')
  })

  test('property: over hosts made of digits, dots, hex, x and colons, every signer either refuses or signs what new URL sends', async () => {
    const label = fc.stringMatching(/^[0-9a-fx]{1,5}$/)
    const name = fc.array(label, { minLength: 1, maxLength: 5 }).map((labels) => labels.join('.'))
    const v6 = fc.stringMatching(/^[0-9a-f:.]{1,24}$/).map((inner) => `[${inner}]`)
    await fc.assert(
      fc.asyncProperty(fc.oneof(name, v6), async (host) => {
        for (const [, field, sign] of SIGNERS) {
          const r = await signFor(sign, host)
          if (r instanceof PresignError) expect([r.code, r.field]).toEqual(['InvalidUrl', field])
          else expect(r.signed).toBe(r.sent)
        }
      }),
      { numRuns: 300 },
    )
  })
})
