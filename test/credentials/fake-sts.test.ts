/**
 * The fake STS of the credentials tests checks every SigV4 signature with botocore (botocore_sigv4_check.py:
 * botocore.auth's SigV4Auth / SigV4QueryAuth on the request as received), never with this library: it accepts what
 * botocore and this library sign with the right secret, and refuses a wrong secret, a tampered request, another
 * scope, an expired URL, a missing or foreign session token and an unsigned AssumeRole. The checker process ends
 * when its stdin closes.
 */
import { spawn } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { describe, expect, test } from 'vitest'
import { presignSync } from '../../src/index.js'
import { projectRoot } from '../helpers/suite.js'
import { type SeenRequest, baseEnv, botocore, botocoreSigV4Check, fakeSts, inMinutes, tempHome } from './helpers.js'

const SOURCE = { accessKeyId: 'AKIASOURCE', secretAccessKey: 'source/secret+key' }
const ROLE_A = { accessKeyId: 'ASIAROLEA', secretAccessKey: 'role-a-secret', sessionToken: 'token-a', expiration: inMinutes(60) }
const ROLE_KEY = { accessKeyId: ROLE_A.accessKeyId, secretAccessKey: ROLE_A.secretAccessKey }
const ARN = 'arn:aws:iam::123456789012:role/a'
const QUERY = `Action=AssumeRole&Version=2011-06-15&RoleArn=${encodeURIComponent(ARN)}&RoleSessionName=s1`

async function startSts() {
  return fakeSts(new Map([[SOURCE.accessKeyId, SOURCE.secretAccessKey]]), { [ARN]: ROLE_A })
}

/** Send a request exactly as given (headers included, Host among them) to the fake; its status and body. */
function send(origin: string, method: string, path: string, headers: Record<string, string>, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(origin + path, { method, headers }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => (text += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

/** Our presigned AssumeRole GET, sent with fetch (Host set by fetch, as the resolver sends it). */
async function sendOurs(origin: string, options: Partial<Parameters<typeof presignSync>[1]> & { query?: string; tamper?: (url: string) => string } = {}) {
  const { query = QUERY, tamper = (u: string) => u, ...rest } = options
  const url = presignSync({ method: 'GET', url: `${origin}/?${query}` }, { credentials: SOURCE, region: 'us-east-1', service: 'sts', expiresIn: 60, ...rest })
  const res = await fetch(tamper(url), { headers: { accept: 'text/xml' } })
  return { status: res.status, text: await res.text() }
}

describe('the botocore checker itself', () => {
  // The AWS SigV4 test suite's get-vanilla case: GET / on example.amazonaws.com, service "service", 20150830T123600Z.
  const vanilla = {
    method: 'GET',
    url: 'http://example.amazonaws.com/',
    headers: {
      host: 'example.amazonaws.com',
      'x-amz-date': '20150830T123600Z',
      authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    },
    body: '',
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    sessionToken: null,
    region: 'us-east-1',
    service: 'service',
    now: null,
  }

  test("accepts the AWS test suite's get-vanilla signature and refuses every change to it", async () => {
    expect(await botocoreSigV4Check(vanilla)).toEqual({ ok: true, form: 'header', accessKeyId: 'AKIDEXAMPLE', id: expect.any(Number) })
    const headers = vanilla.headers
    for (const [change, reason] of [
      [{ secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEz' }, /signature mismatch/],
      [{ method: 'POST' }, /signature mismatch/],
      [{ url: 'http://example.amazonaws.com/x' }, /signature mismatch/],
      [{ url: 'http://example.amazonaws.com/?a=b' }, /signature mismatch/],
      [{ body: 'x' }, /signature mismatch/],
      [{ headers: { ...headers, host: 'example.amazonaws.co' } }, /signature mismatch/],
      [{ headers: { ...headers, 'x-amz-date': '20150830T123601Z' } }, /signature mismatch/],
      [{ headers: { ...headers, 'x-amz-meta': 'v' } }, /header x-amz-meta is not signed/],
      [{ headers: { ...headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, /x-amz-content-sha256 is not the SHA-256 of the body/],
      [{ headers: { ...headers, authorization: headers.authorization.replace('host;x-amz-date', 'x-amz-date') } }, /SignedHeaders is not the set botocore signs \(host;x-amz-date\)/],
      [{ headers: { ...headers, authorization: headers.authorization.replace('fbf31', 'fbf32') } }, /signature mismatch/],
      [{ region: 'us-west-2' }, /credential scope is not 20150830\/us-west-2\/service\/aws4_request/],
      [{ service: 'sts' }, /credential scope/],
      [{ accessKeyId: 'AKIDOTHER' }, /another access key id/],
      [{ sessionToken: 'tok' }, /not the session token/],
      [{ headers: { ...headers, 'x-amz-security-token': 'tok' } }, /session token with a long-term key/],
      [{ now: Date.parse('2015-08-30T13:00:00Z') / 1000 }, /more than 15 minutes/],
      [{ headers: { ...headers, authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE' } }, /no SigV4 Authorization header/],
    ] as const) {
      const verdict = await botocoreSigV4Check({ ...vanilla, ...change })
      expect(verdict, JSON.stringify(change)).toMatchObject({ ok: false, reason: expect.stringMatching(reason) })
    }
    expect(await botocoreSigV4Check({ ...vanilla, now: Date.parse('2015-08-30T12:40:00Z') / 1000 })).toMatchObject({ ok: true })
  })

  test('a malformed request is a refusal, and the checker keeps answering', async () => {
    const bad = { ...vanilla, headers: null as unknown as Record<string, string> }
    expect(await botocoreSigV4Check(bad)).toMatchObject({ ok: false, reason: expect.stringMatching(/^checker error: /) })
    expect(await botocoreSigV4Check(vanilla)).toMatchObject({ ok: true })
  })

  test('the checker process ends by itself when its stdin closes', async () => {
    const child = spawn('python3', [join(projectRoot, 'test', 'credentials', 'botocore_sigv4_check.py')], { env: { PATH: process.env['PATH'] ?? '' }, stdio: ['pipe', 'pipe', 'inherit'] })
    const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve))
    expect(JSON.parse(first)).toMatchObject({ ready: true, botocore: expect.stringMatching(/^\d+\.\d+\.\d+$/) })
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
    child.stdin.end()
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    expect(await exited).toBe(0)
    clearTimeout(timer)
  })
})

describe('the fake STS: our presigned AssumeRole', () => {
  test('the right secret is accepted, a wrong one refused', async () => {
    const sts = await startSts()
    const ok = await sendOurs(sts.origin)
    expect(ok.status).toBe(200)
    expect(ok.text).toContain('<AccessKeyId>ASIAROLEA</AccessKeyId>')
    expect(sts.calls).toEqual([{ params: { Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ARN, RoleSessionName: 's1' }, signer: SOURCE.accessKeyId, form: 'presigned' }])
    const wrong = await sendOurs(sts.origin, { credentials: { ...SOURCE, secretAccessKey: 'source/secret+kez' } })
    expect(wrong.status).toBe(403)
    expect(wrong.text).toContain('<Code>SignatureDoesNotMatch</Code>')
    expect(sts.refused).toEqual([{ form: 'presigned', accessKeyId: SOURCE.accessKeyId, reason: 'signature mismatch' }])
    expect(sts.calls).toHaveLength(1)
  })

  test('a tampered, mis-scoped, expired or unsigned request is refused', async () => {
    const sts = await startSts()
    const hourAgo = Date.now() - 3_600_000
    for (const [label, options, status, reason] of [
      ['another RoleArn after signing', { tamper: (u: string) => u.replace('role%2Fa', 'role%2Fb') }, 403, /signature mismatch/],
      ['a parameter added after signing', { tamper: (u: string) => u + '&DurationSeconds=900' }, 403, /signature mismatch/],
      ['X-Amz-Expires changed', { tamper: (u: string) => u.replace('X-Amz-Expires=60', 'X-Amz-Expires=61') }, 403, /signature mismatch/],
      ['X-Amz-Signature removed', { tamper: (u: string) => u.replace(/&X-Amz-Signature=\w+/, '') }, 403, /X-Amz-Signature appears 0 times/],
      ['X-Amz-Signature twice', { tamper: (u: string) => u + '&X-Amz-Signature=' + '0'.repeat(64) }, 403, /X-Amz-Signature appears 2 times/],
      ['signed for eu-west-1', { region: 'eu-west-1' }, 403, /credential scope is not \d{8}\/us-east-1\/sts\/aws4_request/],
      ['signed for s3', { service: 's3' }, 403, /credential scope/],
      ['expired (signed an hour ago for 60 s)', { signingDate: hourAgo }, 403, /expired or is not yet valid/],
      ['a long-term key with a session token', { credentials: { ...SOURCE, sessionToken: 'made-up' } }, 403, /session token with a long-term key/],
      ["the role's key without its session token", { credentials: ROLE_KEY }, 403, /not the session token of the key/],
      ["the role's key with another session token", { credentials: { ...ROLE_KEY, sessionToken: 'token-b' } }, 403, /not the session token of the key/],
      ['an unknown key', { credentials: { accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' } }, 403, /unknown access key id/],
      ['no signature at all', { tamper: (u: string) => u.slice(0, u.indexOf('&X-Amz-Algorithm')) }, 403, /the request is not signed/],
    ] as const) {
      const before = sts.refused.length
      const r = await sendOurs(sts.origin, options)
      expect(r.status, label).toBe(status)
      expect(sts.refused.slice(before), label).toEqual([expect.objectContaining({ reason: expect.stringMatching(reason) })])
    }
    expect(sts.calls).toEqual([])
    // The role's key with its session token (a chained role) is accepted.
    const chained = await sendOurs(sts.origin, { credentials: { ...ROLE_KEY, sessionToken: ROLE_A.sessionToken } })
    expect(chained.status).toBe(200)
    expect(sts.calls).toEqual([expect.objectContaining({ signer: ROLE_A.accessKeyId, form: 'presigned' })])
  })
})

describe("the fake STS: botocore's header-signed AssumeRole", () => {
  const config = (secret: string) => `[default]\nrole_arn = ${ARN}\nsource_profile = src\nrole_session_name = s1\n[profile src]\naws_access_key_id = ${SOURCE.accessKeyId}\naws_secret_access_key = ${secret}\n`
  const env = (sts: { origin: string }, secret: string) => baseEnv(tempHome({ '.aws/config': config(secret) }), { AWS_ENDPOINT_URL_STS: sts.origin, AWS_DEFAULT_REGION: 'us-east-1' })

  test('the right secret is accepted, a wrong one refused (botocore then fails)', async () => {
    const sts = await startSts()
    const theirs = await botocore(env(sts, SOURCE.secretAccessKey))
    expect(theirs, 'python3 with botocore is needed: the fake STS checks signatures with it').toBeDefined()
    expect(theirs).toMatchObject({ accessKeyId: ROLE_A.accessKeyId, method: 'assume-role' })
    expect(sts.calls).toEqual([{ params: { Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ARN, RoleSessionName: 's1' }, signer: SOURCE.accessKeyId, form: 'header' }])
    const wrong = await botocore(env(sts, 'source/secret+kez'))
    expect(wrong).toMatchObject({ error: 'ClientError', message: expect.stringMatching(/SignatureDoesNotMatch/) })
    expect(sts.refused).toEqual([{ form: 'header', accessKeyId: SOURCE.accessKeyId, reason: 'signature mismatch' }])
    expect(sts.calls).toHaveLength(1)
  })

  test('its request replayed as sent is accepted; any change to it is refused', async () => {
    const sts = await startSts()
    expect(await botocore(env(sts, SOURCE.secretAccessKey))).toMatchObject({ method: 'assume-role' })
    const sent = sts.requests.find((r) => r.method === 'POST') as SeenRequest
    const headers = Object.fromEntries(Object.entries(sent.headers).map(([k, v]) => [k, String(v)]))
    const authorization = headers['authorization']!
    const replay = (h: Record<string, string>, body = sent.body, method = 'POST', path = sent.url) => {
      const { 'content-length': _, ...rest } = h
      return send(sts.origin, method, path, rest, body)
    }
    expect((await replay(headers)).status).toBe(200)
    expect(sts.calls.map((c) => c.form)).toEqual(['header', 'header'])
    const { authorization: _auth, ...withoutAuthorization } = headers
    for (const [label, h, body, path, reason] of [
      ['another RoleArn in the body', headers, sent.body.replace('role%2Fa', 'role%2Fb'), sent.url, /signature mismatch/],
      ['a parameter added to the body', headers, sent.body + '&DurationSeconds=900', sent.url, /signature mismatch/],
      ['a query added', headers, sent.body, '/?x=1', /signature mismatch/],
      ['another X-Amz-Date', { ...headers, 'x-amz-date': headers['x-amz-date']!.replace(/\dZ$/, (d) => `${(Number(d[0]) + 1) % 10}Z`) }, sent.body, sent.url, /signature mismatch/],
      ['another content-type', { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, sent.body, sent.url, /signature mismatch/],
      ['an unsigned x-amz-* header added', { ...headers, 'x-amz-security-token': 'x' }, sent.body, sent.url, /session token with a long-term key/],
      ['an unsigned x-amz-meta header added', { ...headers, 'x-amz-meta': 'x' }, sent.body, sent.url, /header x-amz-meta is not signed/],
      ['content-type dropped from SignedHeaders', { ...headers, authorization: authorization.replace('content-type;', '') }, sent.body, sent.url, /signature mismatch/],
      ['the signature of another region', { ...headers, authorization: authorization.replace('/us-east-1/', '/eu-west-1/') }, sent.body, sent.url, /credential scope is not/],
      ['no signature at all', withoutAuthorization, sent.body, sent.url, /the request is not signed/],
    ] as const) {
      const before = sts.refused.length
      const r = await replay(h, body, 'POST', path)
      expect(r.status, label).toBe(403)
      expect(sts.refused.slice(before), label).toEqual([expect.objectContaining({ reason: expect.stringMatching(reason) })])
    }
    expect(sts.calls).toHaveLength(2)
  })
})
