/**
 * verifyPost and presignPost at their edges, found by a review (2026-12-02): `${filename}` is expanded in every field
 * before the policy is checked, as S3 does; an exact-match condition has exactly one property; a policy has no member
 * but `expiration` and `conditions`. Each test failed before its fix. Sources for S3's behaviour are quoted above each
 * test. Part of the POST verifier's hostile-input suite (see post-hostile.test.ts).
 */
import { createHmac } from 'node:crypto'
import { describe, expect, test } from 'vitest'
import { type PresignPostOptions, type VerifyPostOptions, type VerifyPostResult, presignPost, verifyPost } from '../../src/index.js'
import { DOC_CREDENTIALS, DOC_SECRET } from '../helpers/fixtures.js'

const T0 = Date.parse('2026-11-25T12:00:00Z')
const DAY = '20261125'
const BUCKET = 'examplebucket'
const lookup = (id: string) => (id === DOC_CREDENTIALS.accessKeyId ? DOC_CREDENTIALS : undefined)
const base: PresignPostOptions = { credentials: DOC_CREDENTIALS, signingDate: T0, expiresIn: 600 }
const vopts: VerifyPostOptions = { credentials: lookup, now: T0 + 1000, region: 'us-east-1' }
const CREDENTIAL = `${DOC_CREDENTIALS.accessKeyId}/${DAY}/us-east-1/s3/aws4_request`

function nodeSignature(text: string): string {
  let k: Buffer = createHmac('sha256', 'AWS4' + DOC_SECRET).update(DAY).digest()
  for (const part of ['us-east-1', 's3', 'aws4_request']) k = createHmac('sha256', k).update(part).digest()
  return createHmac('sha256', k).update(text, 'utf8').digest('hex')
}

/** The signing conditions every hand-written policy below ends with. */
const SIGNING_CONDITIONS = `{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"${CREDENTIAL}"},{"x-amz-date":"${DAY}T120000Z"}`

/** A form for a policy document written (and signed) by hand, as another signer than presignPost would write it. */
function handSigned(policyJson: string, fields: Record<string, string>, file: File | string = new File(['hello'], 'photo.jpg')): Array<[string, string | File]> {
  const policy = Buffer.from(policyJson, 'utf8').toString('base64')
  return [
    ...Object.entries(fields),
    ['x-amz-algorithm', 'AWS4-HMAC-SHA256'],
    ['x-amz-credential', CREDENTIAL],
    ['x-amz-date', `${DAY}T120000Z`],
    ['policy', policy],
    ['x-amz-signature', nodeSignature(policy)],
    ['file', file],
  ]
}

const formOf = (fields: Readonly<Record<string, string>>, file: File) => [...Object.entries(fields), ['file', file] as [string, File]]

function expectRefused(r: VerifyPostResult, code: string): void {
  expect(r.ok, JSON.stringify(r)).toBe(false)
  if (!r.ok) expect(r.code).toBe(code)
}

// ---------------------------------------------------------------------------------------------------------------
// 1. `${filename}` is expanded AFTER the conditions are checked, S3 expands it BEFORE. AWS, "POST Policy"
//    (sigv4-HTTPPOSTConstructPolicy): "All variables within the form are expanded prior to validating the POST
//    policy. Therefore, all condition matching should be against the expanded form fields. [...] Your POST policy
//    should be [ "starts-with", "$key", "user/user1/" ] (do not enter [ "starts-with", "$key",
//    "user/user1/${filename}" ])." sigv4-HTTPPOSTForms: "The variable ${filename} [...] is recognized by all form
//    fields." verifyPost matches the raw key field (checkConditions) and only then substitutes (finalKey), so the
//    key it returns need not satisfy the policy.
// ---------------------------------------------------------------------------------------------------------------
describe('${filename} is expanded after the policy is checked (S3: before)', () => {
  // presignPost signs ["starts-with", "$key", "reports/$"]; a key field "reports/${filename}" starts with it, but the
  // key verifyPost returns ("reports/q3.csv") does not: the upload escapes the signed prefix. S3 refuses it.
  test('a key that satisfies the prefix only before ${filename} is expanded escapes the signed prefix', async () => {
    const { fields } = await presignPost({ bucket: BUCKET, keyPrefix: 'reports/$', region: 'us-east-1' }, base)
    const r = await verifyPost({ fields: formOf({ ...fields, key: 'reports/${filename}' }, new File(['x'], 'q3.csv')), bucket: BUCKET }, vopts)
    if (r.ok) expect(r.key.startsWith('reports/$'), `returned key ${r.key} is outside the signed prefix reports/$`).toBe(true)
    expectRefused(r, 'ConditionFailed')
  })

  // What S3 stores is what was checked: the key and the fields, expanded (a form without a file name keeps them as written).
  test('the key and fields returned are the expanded ones the policy was checked against', async () => {
    const { fields } = await presignPost({ bucket: BUCKET, keyPrefix: 'u/', region: 'us-east-1' }, { ...base, conditions: { contentDisposition: 'attachment' } })
    const form = formOf({ ...fields, 'Content-Disposition': 'attachment' }, new File(['x'], 'C:\\fakepath\\q3.csv'))
    const r = await verifyPost({ fields: form, bucket: BUCKET }, vopts)
    expect(r).toMatchObject({ ok: true, key: 'u/q3.csv', fields: { key: 'u/q3.csv', 'Content-Disposition': 'attachment' } })
    const text = await verifyPost({ fields: [...Object.entries(fields), ['file', 'hello']], bucket: BUCKET }, vopts)
    expect(text).toMatchObject({ ok: true, key: 'u/${filename}', fields: { key: 'u/${filename}' } })
  })

  // S3's 20 KiB before the file (MaxPostPreDataLengthExceeded) counts the fields as sent, not expanded: a 10.7 KB form
  // whose ${filename}s (100 in an x-ignore- field, a 204-byte file name) expand to ~30 KB verifies (a first version of
  // the expansion refused it as FieldsTooLarge).
  test('verifyPost: ${filename} expansion does not count against the 20 KiB limit on the fields sent before the file', async () => {
    const { fields } = await presignPost({ bucket: BUCKET, key: 'uploads/${filename}', region: 'us-east-1' }, base)
    const form: Array<[string, string | File]> = [...Object.entries(fields), ['x-ignore-note', 'x'.repeat(9000) + '${filename}'.repeat(100)], ['file', new File(['hi'], 'r'.repeat(200) + '.csv')]]
    let sent = 0
    for (const [name, value] of form) if (typeof value === 'string') sent += name.length + value.length
    expect(sent).toBeLessThan(11_000)
    const r = await verifyPost({ fields: form, bucket: BUCKET }, vopts)
    expect(r.ok ? 'ok' : `${r.code}: ${r.message}`).toBe('ok')
    if (r.ok) expect(r.key).toBe('uploads/' + 'r'.repeat(200) + '.csv')
  })

  // The expansion is bounded: fields that would grow past 1 MiB (1,800 ${filename}s and a 1 KB name: 1.8 MB) are
  // refused before any is built, as MalformedForm (S3's own 20 KiB counts the fields as sent).
  test('fields that ${filename} would grow past 1 MiB are refused before they are built', async () => {
    const { fields } = await presignPost({ bucket: BUCKET, key: 'uploads/${filename}', region: 'us-east-1' }, base)
    const form: Array<[string, string | File]> = [...Object.entries(fields), ['x-ignore-note', '${filename}'.repeat(1800)], ['file', new File(['hi'], 'n'.repeat(1000))]]
    const r = await verifyPost({ fields: form, bucket: BUCKET }, vopts)
    expect(r).toMatchObject({ ok: false, code: 'MalformedForm', s3Code: 'InvalidArgument', message: expect.stringContaining('over 1 MiB') })
  })

  // AWS's own "do not enter" policy: the expanded key user/user1/photo.jpg does not start with
  // "user/user1/${filename}", so S3 answers "Policy Condition failed"; verifyPost accepts it.
  test("AWS's 'do not enter' example ([\"starts-with\", \"$key\", \"user/user1/${filename}\"]) is refused, as S3 refuses it", async () => {
    const policy = `{"expiration":"2026-11-25T12:10:00.000Z","conditions":[{"bucket":"${BUCKET}"},["starts-with","$key","user/user1/\${filename}"],${SIGNING_CONDITIONS}]}`
    const r = await verifyPost({ fields: handSigned(policy, { key: 'user/user1/${filename}' }), bucket: BUCKET }, vopts)
    expectRefused(r, 'ConditionFailed')
  })

  // Same root cause for the other fields: S3 checks Content-Type "image/${filename}" as "image/png, text" (a list
  // whose second element does not start with image/) and refuses it; verifyPost checks the raw text and accepts.
  test('other fields are checked as expanded too: a Content-Type list made by ${filename} is refused', async () => {
    const { fields } = await presignPost({ bucket: BUCKET, keyPrefix: 'u/', region: 'us-east-1' }, { ...base, conditions: { contentType: { startsWith: 'image/' } } })
    const r = await verifyPost({ fields: formOf({ ...fields, 'Content-Type': 'image/${filename}' }, new File(['x'], 'png, text')), bucket: BUCKET }, vopts)
    expectRefused(r, 'ConditionFailed')
  })
})

// ---------------------------------------------------------------------------------------------------------------
// 2. An exact-match object with more than one property. S3 refuses the whole policy: 400 InvalidPolicyDocument
//    "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."
//    (LocalStack TestS3PresignedPost, recorded against AWS S3 on 2026-02-21, for {"bucket": B,
//    "success_action_redirect": R}). parseCondition turns {a, b} into two eq rules, so verifyPost accepts such a
//    policy and presignPost signs one from conditions.other, a policy no S3 upload can use.
// ---------------------------------------------------------------------------------------------------------------
describe('a simple condition with two properties (S3: InvalidPolicyDocument)', () => {
  test('verifyPost refuses the policy', async () => {
    const policy = `{"expiration":"2026-11-25T12:10:00.000Z","conditions":[{"bucket":"${BUCKET}","key":"k"},${SIGNING_CONDITIONS}]}`
    const r = await verifyPost({ fields: handSigned(policy, { key: 'k' }), bucket: BUCKET }, vopts)
    expectRefused(r, 'InvalidPolicyDocument')
  })

  test('presignPost refuses to sign it (PresignError InvalidOption), instead of a policy S3 refuses', async () => {
    const signing = presignPost(
      { bucket: BUCKET, key: 'k', region: 'us-east-1' },
      { ...base, conditions: { other: [{ 'x-amz-meta-a': '1', 'x-amz-meta-b': '2' }] } },
    )
    await expect(signing).rejects.toMatchObject({ name: 'PresignError', code: 'InvalidOption' })
  })
})

// ---------------------------------------------------------------------------------------------------------------
// 3. Policy documents S3 refuses as InvalidPolicyDocument, which verifyPost accepts (low severity: the policy is the
//    signer's, but a gateway standing in for S3 then accepts forms S3 never would).
// ---------------------------------------------------------------------------------------------------------------
describe('policy documents S3 refuses', () => {
  // S3 answers 400 InvalidPolicyDocument "Invalid Policy: Unexpected: 'statement'" for a top-level member other
  // than expiration/conditions (stackoverflow 31169349). verifyPost ignores unknown members.
  test('a top-level member other than expiration and conditions is refused', async () => {
    const policy = `{"expiration":"2026-11-25T12:10:00.000Z","conditions":[{"bucket":"${BUCKET}"},{"key":"k"},${SIGNING_CONDITIONS}],"Statement":[]}`
    const r = await verifyPost({ fields: handSigned(policy, { key: 'k' }), bucket: BUCKET }, vopts)
    expectRefused(r, 'InvalidPolicyDocument')
  })
})
