/**
 * verifyPost under hostile forms. A gateway stores whatever verifyPost approved, so every form entry and every
 * lookup result is the attacker's. Invariants checked on every generated form:
 * - it never throws for a bad form; no secret appears in any result;
 * - the fields after the first `file` entry cannot change the outcome (same result without them);
 * - `ok: true` implies the policy held (signature, prefix, exact and starts-with conditions), `result.file` is the
 *   first `file` entry in any case (the very object of the form, its name and index), its size is within
 *   `result.contentLength`, and the key is the key field with `${filename}` replaced by a base name.
 * Then examples: hostile lookup results, `${filename}` bombs, path-like filenames, deep nesting in signed policies,
 * an empty-named field, a File whose name getter throws, empty keys, credentials past their expiration.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import {
  type Credentials,
  type PostConditions,
  type PostLocation,
  PresignError,
  type VerifyPostOptions,
  type VerifyPostRequest,
  presignPost,
  verifyPost,
} from '../../src/index.js'
import { DOC_CREDENTIALS, DOC_SECRET } from '../helpers/fixtures.js'
import { hostileResults, isCredential, postSignature, secretGuesses, shuffle, FC_SEED } from '../helpers/hostile.js'

const ID = DOC_CREDENTIALS.accessKeyId
const T0 = Date.parse('2026-11-25T12:00:00Z')
const DAY = '20261125'
const BUCKET = 'examplebucket'
const loc: PostLocation = { bucket: BUCKET, keyPrefix: 'uploads/', region: 'us-east-1' }
const conditions: PostConditions = { contentLengthRange: [1, 1000], contentType: { startsWith: 'image/' }, metadata: { a: '1' } }
const lookup = (id: string) => (id === ID ? DOC_CREDENTIALS : undefined)
const vopts: VerifyPostOptions = { credentials: lookup, now: T0 + 1000, region: 'us-east-1' }
const SCALE = Number(process.env.HOSTILE_SCALE) || 1
const signedPost = presignPost(loc, { credentials: DOC_CREDENTIALS, signingDate: T0, expiresIn: 600, conditions, fields: { 'Content-Type': 'image/png' } })

type Form = Array<[string, unknown]>
const isFileName = (name: string) => name.toLowerCase() === 'file'
const baseName = (name: string) => name.split(/[/\\]/).at(-1)!
const utf8Bytes = (s: string) => new TextEncoder().encode(s).length
const noSecret = (r: unknown) => expect(JSON.stringify(r)).not.toContain(DOC_SECRET)

async function baseForm(): Promise<Form> {
  const { fields } = await signedPost
  return [...Object.entries(fields), ['file', new File(['hello'], 'photo.png', { type: 'image/png' })]]
}

// =================================================================================================
// The property
// =================================================================================================

const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant('reorder' as const), seed: fc.nat() }),
  fc.record({ kind: fc.constant('dupCase' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('textFileBefore' as const), at: fc.nat(), name: fc.constantFrom('file', 'File', 'FILE', 'fIlE'), text: fc.constantFrom('', 'x', 'é😀', 'y'.repeat(1001)) }),
  fc.record({ kind: fc.constant('secondFile' as const), blob: fc.boolean() }),
  fc.record({
    kind: fc.constant('afterFile' as const),
    name: fc.constantFrom('key', 'policy', 'x-amz-signature', 'Content-Type', 'x-amz-meta-a', 'x-amz-meta-evil', 'success_action_redirect', 'file', 'x-ignore-z'),
    value: fc.constantFrom<unknown>('evil', '', 5, null, new Blob(['z'])),
  }),
  fc.record({ kind: fc.constant('pad' as const), size: fc.constantFrom(10, 19000, 20000, 21000) }),
  fc.record({ kind: fc.constant('nonString' as const), at: fc.nat(), value: fc.constantFrom<unknown>(5, null, undefined, {}, ['x'], new Blob(['x'])) }),
  fc.record({ kind: fc.constant('nameCase' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('key' as const),
    value: fc.constantFrom('uploads/x.png', 'uploads/${filename}', 'other/x', 'uploads/../x', '${filename}', 'uploads/' + '${filename}'.repeat(100), 'Uploads/x'),
  }),
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('change' as const), at: fc.nat(), value: fc.constantFrom('evil', 'image/png', '1', 'uploads/') }),
  fc.record({ kind: fc.constant('replaceFile' as const), value: fc.constantFrom<unknown>('', 'x', new Blob([new Uint8Array(1001)]), new Blob([]), new File(['abc'], 'a/b\\c.png')) }),
)
type Mutation = typeof mutationArb extends fc.Arbitrary<infer T> ? T : never


function mutate(form: Form, m: Mutation): Form {
  const fileAt = form.findIndex(([n]) => isFileName(n))
  const end = fileAt < 0 ? form.length : fileAt
  const pre = form.slice(0, end)
  const rest = form.slice(end)
  const pick = (at: number) => (pre.length ? at % pre.length : -1)
  switch (m.kind) {
    case 'reorder':
      return [...shuffle(pre, m.seed), ...rest]
    case 'dupCase': {
      const i = pick(m.at)
      if (i < 0) return form
      pre.splice(i + 1, 0, [pre[i]![0].toUpperCase() === pre[i]![0] ? pre[i]![0].toLowerCase() : pre[i]![0].toUpperCase(), pre[i]![1]])
      return [...pre, ...rest]
    }
    case 'textFileBefore':
      pre.splice(m.at % (pre.length + 1), 0, [m.name, m.text])
      return [...pre, ...rest]
    case 'secondFile':
      return [...form, ['file', m.blob ? new File(['evil'], 'evil.exe') : 'evil text']]
    case 'afterFile':
      return fileAt < 0 ? form : [...form, [m.name, m.value]]
    case 'pad':
      return [['x-ignore-pad', 'p'.repeat(m.size)], ...form]
    case 'nonString': {
      const i = pick(m.at)
      if (i >= 0) pre[i] = [pre[i]![0], m.value]
      return [...pre, ...rest]
    }
    case 'nameCase': {
      const i = pick(m.at)
      if (i >= 0) pre[i] = [pre[i]![0].toUpperCase(), pre[i]![1]]
      return [...pre, ...rest]
    }
    case 'key':
      return form.map(([n, v], i) => (i < end && n.toLowerCase() === 'key' ? [n, m.value] : [n, v]))
    case 'drop': {
      const i = pick(m.at)
      if (i >= 0) pre.splice(i, 1)
      return [...pre, ...rest]
    }
    case 'change': {
      const i = pick(m.at)
      if (i >= 0 && pre[i]![1] !== m.value) pre[i] = [pre[i]![0], m.value]
      return [...pre, ...rest]
    }
    case 'replaceFile':
      return fileAt < 0 ? form : form.map(([n, v], i) => (i === fileAt ? [n, m.value] : [n, v]))
  }
}

const sizeOf = (v: unknown) => (typeof v === 'string' ? utf8Bytes(v) : (v as Blob).size)

describe('verifyPost (property): hostile forms built from a signed policy', () => {
  test('never throws, no secret, fields after the file change nothing, ok implies the policy held and names the first file entry', async () => {
    const { fields: signed } = await signedPost
    const stats = { runs: 0, ok: 0, identityOk: 0, textFileOk: 0 }
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 1, arbitrary: fc.constant([] as Mutation[]) }, { weight: 4, arbitrary: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) }),
        fc.constantFrom('none', 'none', 'exact', 'minus', 'plus'),
        fc.constantFrom(undefined, undefined, 'a/b/c.png', 'C:\\x\\y.png', '../../etc/passwd', '', 'dir/', '..'),
        async (mutations, sizeMode, filename) => {
          let form = await baseForm()
          for (const m of mutations) form = mutate(form, m)
          const fileAt = form.findIndex(([n]) => isFileName(n))
          const file = fileAt < 0 ? undefined : form[fileAt]
          const fileBytes = file && (typeof file[1] === 'string' || file[1] instanceof Blob) ? sizeOf(file[1]) : undefined
          const fileSize = sizeMode === 'none' || fileBytes === undefined ? undefined : fileBytes + (sizeMode === 'exact' ? 0 : sizeMode === 'minus' ? -1 : 1)
          const request: VerifyPostRequest = { fields: form as Array<[string, string]>, bucket: BUCKET, fileSize: fileSize !== undefined && fileSize < 0 ? undefined : fileSize, filename }
          const label = JSON.stringify({ mutations, sizeMode, filename }, (_, v) => (v instanceof Blob ? `Blob(${v.size})` : v))
          const r = await verifyPost(request, vopts)
          noSecret(r)
          // The fields after the first file are not read: the same form cut after the file gives the same result.
          const cut = fileAt < 0 ? form : form.slice(0, fileAt + 1)
          expect(await verifyPost({ ...request, fields: cut as Array<[string, string]> }, vopts), label).toEqual(r)
          stats.runs++
          if (r.ok) {
            stats.ok++
            if (mutations.length === 0) stats.identityOk++
            // The first `file` entry, in any case, is the file: the very object, its name and position.
            expect(file, label).toBeDefined()
            expect(r.file?.value, label).toBe(file![1])
            expect(r.file?.name).toBe(file![0])
            expect(r.file?.index).toBe(fileAt)
            expect(r.file!.size).toBe(fileBytes)
            if (typeof file![1] === 'string') stats.textFileOk++
            expect(r.sizeChecked).toBe(true)
            expect(r.contentLength.min).toBeGreaterThanOrEqual(1)
            expect(r.contentLength.max).toBeLessThanOrEqual(1000)
            expect(r.file!.size).toBeGreaterThanOrEqual(r.contentLength.min)
            expect(r.file!.size).toBeLessThanOrEqual(r.contentLength.max)
            if (fileSize !== undefined) expect(fileSize).toBe(fileBytes)
            // The policy held.
            const got = new Map(Object.entries(r.fields).map(([n, v]) => [n.toLowerCase(), v]))
            expect(got.get('policy')).toBe(signed['policy'])
            expect(got.get('x-amz-signature')?.toLowerCase()).toBe(signed['x-amz-signature'])
            expect(got.get('x-amz-meta-a')).toBe('1')
            expect(got.get('content-type')?.startsWith('image/')).toBe(true)
            const keyField = got.get('key')!
            expect(keyField.startsWith('uploads/')).toBe(true)
            expect(got.has('x-amz-meta-evil')).toBe(false)
            // The key: ${filename} replaced by the base name of the file name, so no "/" or "\" comes from it.
            const name = filename ?? (file![1] instanceof File ? file![1].name : undefined)
            expect(r.key).toBe(name === undefined ? keyField : keyField.split('${filename}').join(baseName(name)))
            expect(utf8Bytes(r.key)).toBeLessThanOrEqual(1024)
          } else {
            expect(r.status).toBeGreaterThanOrEqual(400)
          }
          // One mutation at a time, the outcome is known.
          if (mutations.length === 1 && sizeMode === 'none' && filename === undefined) {
            const m = mutations[0]!
            const must = (ok: boolean, code?: string) => {
              expect(r.ok, `${label}: ${JSON.stringify(r).slice(0, 400)}`).toBe(ok)
              if (code && !r.ok) expect(r.code, label).toBe(code)
            }
            if (m.kind === 'reorder' || m.kind === 'nameCase' || m.kind === 'afterFile' || m.kind === 'secondFile') must(true)
            if (m.kind === 'dupCase' || m.kind === 'nonString') must(false, 'MalformedForm')
            if (m.kind === 'drop' || (m.kind === 'change' && m.value === 'evil')) must(false)
            const before = form.slice(0, fileAt).reduce((n, [k, v]) => n + utf8Bytes(k) + utf8Bytes(v as string), 0)
            if (m.kind === 'pad') must(before <= 20480, before <= 20480 ? undefined : 'FieldsTooLarge')
            // A file entry before some field cuts that field off (it is ignored): the form then lacks it.
            const fieldCount = Object.keys(signed).length
            if (m.kind === 'textFileBefore') must(m.at % (fieldCount + 1) === fieldCount && m.text.length >= 1 && utf8Bytes(m.text) <= 1000)
            if (m.kind === 'key' && (m.value === 'other/x' || m.value === 'Uploads/x' || m.value === '${filename}')) must(false, 'ConditionFailed')
          }
        },
      ),
      { numRuns: 400 * SCALE, seed: FC_SEED },
    )
    // Not vacuous.
    expect(stats.identityOk / stats.runs).toBeGreaterThanOrEqual(0.08)
    expect(stats.ok / stats.runs).toBeGreaterThanOrEqual(0.2)
    expect(stats.textFileOk).toBeGreaterThan(0)
  })

  test('a FormData: the first `file` (any case, text or File) is the file, the same object FormData holds', async () => {
    const { fields } = await signedPost
    const build = (entries: Array<[string, string | File]>) => {
      const form = new FormData()
      for (const [n, v] of Object.entries(fields)) form.append(n, v)
      for (const [n, v] of entries) form.append(n, v)
      return form
    }
    const real = new File(['hello'], 'photo.png', { type: 'image/png' })
    const evil = new File(['x'.repeat(5000)], 'evil.exe')
    for (const [label, entries, firstAt] of [
      ['one File', [['file', real]], 0],
      ['a text File before the File', [['File', 'tiny'], ['file', real]], 0],
      ['FILE then file', [['FILE', real], ['file', evil]], 0],
      ['fields after the file', [['file', real], ['key', 'elsewhere/x'], ['x-amz-meta-evil', '1']], 0],
    ] as Array<[string, Array<[string, string | File]>, number]>) {
      const form = build(entries)
      const r = await verifyPost({ fields: form, bucket: BUCKET }, vopts)
      expect(r.ok, `${label}: ${JSON.stringify(r)}`).toBe(true)
      const all = [...form.entries()]
      const index = all.findIndex(([n]) => isFileName(n))
      expect(index).toBe(Object.keys(fields).length + firstAt)
      if (r.ok) {
        expect(r.file?.value, label).toBe(all[index]![1])
        expect(r.file?.index).toBe(index)
        expect(r.key.startsWith('uploads/')).toBe(true)
      }
    }
  })
})

// =================================================================================================
// Examples
// =================================================================================================

/** A form over a policy document written by the test and signed with an independent HMAC. */
function policyForm(doc: string, key = 'k', secret = DOC_SECRET): Record<string, string> {
  const policy = Buffer.from(doc, 'utf8').toString('base64')
  return {
    key,
    policy,
    'x-amz-algorithm': 'AWS4-HMAC-SHA256',
    'x-amz-credential': `${ID}/${DAY}/us-east-1/s3/aws4_request`,
    'x-amz-date': `${DAY}T120000Z`,
    'x-amz-signature': postSignature(secret, DAY, 'us-east-1', policy),
  }
}
const EXPIRATION = '2026-11-25T12:10:00.000Z'
const COVER = '{"key":"k"},{"x-amz-algorithm":"AWS4-HMAC-SHA256"},["starts-with","$x-amz-credential",""],["starts-with","$x-amz-date",""]'
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
const preBytes = (fields: Record<string, string>) => Object.entries(fields).reduce((n, [k, v]) => n + utf8Bytes(k) + utf8Bytes(v), 0)

describe('verifyPost examples', () => {
  test('hostile lookup results never verify, whatever secret the form was signed with (sync and async)', async () => {
    let n = 0
    for (const [label, value] of hostileResults(ID)) {
      for (const guess of secretGuesses(value)) {
        const { fields } = await presignPost(loc, { credentials: { accessKeyId: ID, secretAccessKey: guess }, signingDate: T0 })
        for (const credentials of [() => value, async () => value]) {
          const r = await verifyPost({ fields, bucket: BUCKET, fileSize: 1 }, { ...vopts, credentials: credentials as VerifyPostOptions['credentials'] })
          expect(r, `${label} / ${guess}`).toMatchObject({ ok: false, code: 'UnknownAccessKey', s3Code: 'InvalidAccessKeyId', status: 403 })
          n++
        }
      }
    }
    expect(n).toBeGreaterThan(500)
    // Prototype names looked up in a plain object.
    const table: Record<string, Credentials> = { [ID]: DOC_CREDENTIALS }
    for (const id of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      for (const guess of secretGuesses(table[id])) {
        const { fields } = await presignPost(loc, { credentials: { accessKeyId: id, secretAccessKey: guess }, signingDate: T0 })
        expect(await verifyPost({ fields, bucket: BUCKET }, { ...vopts, credentials: (k) => table[k] }), `${id} / ${guess}`).toMatchObject({ ok: false, code: 'UnknownAccessKey' })
      }
    }
    expect(isCredential(table[ID], ID)).toBe(true)
    expect((await verifyPost({ fields: (await signedPost).fields, bucket: BUCKET, fileSize: 5 }, { ...vopts, credentials: (k) => table[k] })).ok).toBe(true)
  })

  test('a lookup result that throws when read (Proxy) is an unknown key, not a rejection', async () => {
    const { fields } = await signedPost
    let r: unknown
    try {
      r = await verifyPost({ fields, bucket: BUCKET, fileSize: 5 }, { ...vopts, credentials: () => new Proxy({}, { get() { throw new TypeError('trap') } }) as Credentials })
    } catch (e) {
      r = { threw: String(e) }
    }
    expect(r).toMatchObject({ ok: false, code: 'UnknownAccessKey' })
  })

  test('${filename} many times with a 1 MB file name: KeyTooLong, computed without building the key', async () => {
    const any = await presignPost({ ...loc, keyPrefix: '' }, { credentials: DOC_CREDENTIALS, signingDate: T0 })
    const fields = { ...any.fields, key: '${filename}'.repeat(1500) }
    expect(preBytes(fields)).toBeLessThan(20480)
    const long = 'a'.repeat(1_000_000)
    const heap = process.memoryUsage().heapUsed
    const t = performance.now()
    for (const request of [
      { fields: [...Object.entries(fields), ['file', new File(['x'], long)]] as Array<[string, string]>, bucket: BUCKET },
      { fields, bucket: BUCKET, fileSize: 1, filename: long },
      { fields, bucket: BUCKET, fileSize: 1 }, // no file name: the key is the field itself, 16.5 KB
    ]) {
      expect(await verifyPost(request, vopts)).toMatchObject({ ok: false, code: 'KeyTooLong', status: 400 })
    }
    expect(performance.now() - t).toBeLessThan(1000) // measured ~2 ms; building the key would be 1.5 GB
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(200 * 1024 * 1024)
    // The 1024-byte bound is exact, in UTF-8 bytes.
    const one = await presignPost(loc, { credentials: DOC_CREDENTIALS, signingDate: T0 })
    const at = (filename: string) => verifyPost({ fields: one.fields, bucket: BUCKET, fileSize: 1, filename }, vopts)
    expect(await at('a'.repeat(1024 - 8))).toMatchObject({ ok: true, key: 'uploads/' + 'a'.repeat(1016) })
    expect(await at('a'.repeat(1024 - 7))).toMatchObject({ ok: false, code: 'KeyTooLong' })
    expect(await at('é'.repeat(508))).toMatchObject({ ok: true })
    expect(await at('é'.repeat(508) + 'a')).toMatchObject({ ok: false, code: 'KeyTooLong' })
  })

  test('file names with "/" and "\\": only the base name goes into the key', async () => {
    const { fields } = await presignPost(loc, { credentials: DOC_CREDENTIALS, signingDate: T0 })
    for (const [name, key] of [
      ['a/b/c.png', 'uploads/c.png'],
      ['C:\\Users\\x\\y.png', 'uploads/y.png'],
      ['../../etc/passwd', 'uploads/passwd'],
      ['..\\..\\boot.ini', 'uploads/boot.ini'],
      ['mixed/a\\b/c\\d.txt', 'uploads/d.txt'],
      ['dir/', 'uploads/'],
    ]) {
      expect(await verifyPost({ fields, bucket: BUCKET, fileSize: 1, filename: name }, vopts), name).toMatchObject({ ok: true, key })
      const form = [...Object.entries(fields), ['file', new File(['x'], name!)]] as Array<[string, string]>
      expect(await verifyPost({ fields: form, bucket: BUCKET }, vopts), `File ${name}`).toMatchObject({ ok: true, key })
    }
  })

  test('deeply nested policies, signed by the test: InvalidPolicyDocument or FieldsTooLarge, never a stack overflow', async () => {
    const cases: Array<[label: string, doc: string, code: string]> = [
      ['5,000-deep condition', `{"expiration":"${EXPIRATION}","conditions":[${nested(5000)}]}`, 'InvalidPolicyDocument'],
      ['7,000-deep condition (near the 20 KiB field limit)', `{"expiration":"${EXPIRATION}","conditions":[${COVER},${nested(7000)}]}`, 'InvalidPolicyDocument'],
      ['20,000-deep condition (over the field limit)', `{"expiration":"${EXPIRATION}","conditions":[${nested(20000)}]}`, 'FieldsTooLarge'],
      ['2,500-deep objects', `{"expiration":"${EXPIRATION}","conditions":[${'{"a":'.repeat(2500)}""${'}'.repeat(2500)}]}`, 'InvalidPolicyDocument'],
      ['deep inside an eq condition', `{"expiration":"${EXPIRATION}","conditions":[["eq","$key",${nested(5000)}]]}`, 'InvalidPolicyDocument'],
      ['deep as a 4th element', `{"expiration":"${EXPIRATION}","conditions":[["eq","$key","k",${nested(5000)}]]}`, 'InvalidPolicyDocument'],
      ['deep content-length-range bound', `{"expiration":"${EXPIRATION}","conditions":[["content-length-range",${nested(5000)},5]]}`, 'InvalidPolicyDocument'],
      ['deep conditions value', `{"expiration":"${EXPIRATION}","conditions":${'{"a":'.repeat(2000)}1${'}'.repeat(2000)}}`, 'InvalidPolicyDocument'],
      ['expiration nested 3,000 deep', `{"expiration":${nested(3000)},"conditions":[]}`, 'InvalidPolicyDocument'],
    ]
    for (const [label, doc, code] of cases) {
      const fields = policyForm(doc)
      if (code !== 'FieldsTooLarge') expect(preBytes(fields), label).toBeLessThan(20480)
      const r = await verifyPost({ fields, bucket: 'b', fileSize: 1 }, vopts)
      expect(r, label).toMatchObject({ ok: false, code })
      expect(JSON.stringify(r).length).toBeLessThan(1000) // the message shows the condition one level deep
    }
    // Deep nesting under a member the policy grammar does not know: refused by name, as S3 refuses any member but
    // expiration and conditions ("Unexpected: ..."), and the result stays printable.
    const other = await verifyPost({ fields: policyForm(`{"expiration":"${EXPIRATION}","conditions":[${COVER}],"x":${nested(7000)}}`), bucket: 'b', fileSize: 1 }, vopts)
    expect(other).toMatchObject({ ok: false, code: 'InvalidPolicyDocument', message: 'Invalid Policy: Unexpected: "x"' })
    expect(JSON.stringify(other).length).toBeLessThan(1000)
  })

  test('an `expiration` nested 5,000 or 7,000 deep is InvalidPolicyDocument, not a RangeError (stack overflow)', async () => {
    // verifyPost's message for a bad expiration is `JSON.stringify(expiration).slice(0, 80)`: JSON.stringify recurses,
    // and past ~4,500 levels (default stack) it throws "RangeError: Maximum call stack size exceeded" out of verifyPost.
    // The policy must carry a valid signature, so it takes a key holder, e.g. one tenant against a shared gateway.
    // Expected: render the value one level deep, as showCondition() does for conditions.
    for (const depth of [5000, 7000]) {
      const fields = policyForm(`{"expiration":${nested(depth)},"conditions":[${COVER}]}`)
      expect(preBytes(fields)).toBeLessThan(20480)
      let r: unknown
      try {
        r = await verifyPost({ fields, bucket: 'b', fileSize: 1 }, vopts)
      } catch (e) {
        r = { threw: String(e) }
      }
      expect(r, `depth ${depth}`).toMatchObject({ ok: false, code: 'InvalidPolicyDocument' })
    }
  })

  test('a File whose size matches fileSize verifies; one that differs is MalformedForm; fields that are not text are MalformedForm', async () => {
    const form = await baseForm()
    expect((await verifyPost({ fields: form as Array<[string, string]>, bucket: BUCKET, fileSize: 5 }, vopts)).ok).toBe(true)
    for (const fileSize of [4, 6, 0, 1000]) {
      expect(await verifyPost({ fields: form as Array<[string, string]>, bucket: BUCKET, fileSize }, vopts)).toMatchObject({ ok: false, code: 'MalformedForm' })
    }
    for (const value of [5, null, undefined, {}, ['x'], new Blob(['x']), Symbol('s'), 1n]) {
      const bad = form.map(([n, v]) => (n === 'x-amz-meta-a' ? [n, value] : [n, v]))
      expect(await verifyPost({ fields: bad as Array<[string, string]>, bucket: BUCKET }, vopts)).toMatchObject({ ok: false, code: 'MalformedForm' })
    }
    // A file entry that is neither text nor a Blob.
    for (const value of [5, null, {}, { size: 3 }]) {
      const bad = form.map(([n, v]) => (n === 'file' ? [n, value] : [n, v]))
      expect(await verifyPost({ fields: bad as Array<[string, string]>, bucket: BUCKET }, vopts)).toMatchObject({ ok: false, code: 'MalformedForm' })
    }
  })

  test('a file entry whose size is not an integer number of bytes (NaN, 2.5) is refused, not ok with sizeChecked', async () => {
    // A Blob subclass or a blob-like entry of size NaN would pass `size > max` and `size < min` (both false).
    class NaNBlob extends Blob {
      override get size(): number {
        return Number.NaN
      }
    }
    const form = await baseForm()
    for (const [label, file] of [
      ['Blob subclass with size NaN', new NaNBlob(['x'.repeat(5000)])],
      ['blob-like with size NaN', { size: Number.NaN, arrayBuffer: async () => new ArrayBuffer(5000) }],
      ['blob-like with size 2.5', { size: 2.5, arrayBuffer: async () => new ArrayBuffer(3) }],
    ] as Array<[string, unknown]>) {
      const bad = form.map(([n, v]) => (n === 'file' ? [n, file] : [n, v]))
      const r = await verifyPost({ fields: bad as Array<[string, string]>, bucket: BUCKET }, vopts)
      expect(r.ok, `${label}: ${JSON.stringify(r)}`).toBe(false)
    }
  })

  test('hostile request shapes never make verifyPost throw (filename not a string, fields with a broken iterator)', async () => {
    const { fields } = await signedPost
    for (const request of [
      { fields, bucket: BUCKET, fileSize: 5, filename: 5 },
      { fields, bucket: BUCKET, fileSize: 5, filename: {} },
      { fields: { [Symbol.iterator]: 5 }, bucket: BUCKET },
      { fields: { [Symbol.iterator]: () => 5 }, bucket: BUCKET },
    ]) {
      let threw: unknown
      try {
        await verifyPost(request as unknown as VerifyPostRequest, vopts)
      } catch (e) {
        threw = e
      }
      if (threw !== undefined) expect(threw, String(threw)).toBeInstanceOf(PresignError)
    }
  })
})

// =================================================================================================
// Empty names and keys, a throwing file name
// =================================================================================================

describe('verifyPost: an empty-named field, a File whose name getter throws, an empty key', () => {
  const signed = (location: { key: string } | { keyPrefix: string }, conditions = {}) =>
    presignPost({ bucket: 'b', region: 'us-east-1', ...location }, { credentials: DOC_CREDENTIALS, signingDate: T0, conditions })

  // Pins a fixed defect: a content-length-range counted as covering a field named "" (the range's placeholder in the
  // set of covered names), so an empty-named field was an extra field without a range and none with one.
  test('an empty-named field is an extra field with or without a content-length-range', async () => {
    for (const conditions of [{}, { contentLengthRange: [0, 10] }]) {
      const { fields } = await signed({ key: 'k' }, conditions)
      const r = await verifyPost({ fields: [...Object.entries(fields), ['', 'unchecked']], bucket: 'b', fileSize: 1 }, vopts)
      expect(r, JSON.stringify(conditions)).toMatchObject({ ok: false, code: 'ExtraField', s3Code: 'AccessDenied', status: 403 })
      // The same form without it verifies: the field alone is what is refused.
      expect((await verifyPost({ fields, bucket: 'b', fileSize: 1 }, vopts)).ok).toBe(true)
    }
  })

  // Pins a fixed defect: the file entry's `name` was read outside the guard, so a File whose `name` getter throws made
  // verifyPost throw (a bad form must resolve ok: false).
  test('a File whose name getter throws resolves ok: false (MalformedForm), never a rejection', async () => {
    class ThrowingName extends File {
      override get name(): string {
        throw new Error('name getter')
      }
    }
    const { fields } = await signed({ keyPrefix: 'u/' })
    let r: unknown
    try {
      r = await verifyPost({ fields: [...Object.entries(fields), ['file', new ThrowingName(['x'], 'a.png')]], bucket: 'b' }, vopts)
    } catch (e) {
      r = { threw: String(e) }
    }
    expect(r).toMatchObject({ ok: false, code: 'MalformedForm' })
  })

  // Pins a fixed defect: an empty object key was approved (a key of "${filename}" with a file sent without a name), and
  // the gateway then presigned a PUT of the bucket itself (CreateBucket) with the file as its body.
  test('"${filename}" with a file sent without a name, or an empty key field under a "" prefix, is refused (InvalidArgument)', async () => {
    const { fields } = await signed({ keyPrefix: '' }) // key "${filename}", ["starts-with", "$key", ""]
    expect(fields['key']).toBe('${filename}')
    for (const [label, request] of [
      ['a File named ""', { fields: [...Object.entries(fields), ['file', new File(['x'], '')]], bucket: 'b' }],
      ['filename ""', { fields, bucket: 'b', fileSize: 1, filename: '' }],
      ['a file name that is only a directory', { fields, bucket: 'b', fileSize: 1, filename: 'C:\\dir\\' }],
      ['an empty key field', { fields: { ...fields, key: '' }, bucket: 'b', fileSize: 1 }],
    ] as const) {
      const r = await verifyPost(request as Parameters<typeof verifyPost>[0], vopts)
      expect(r, label).toMatchObject({ ok: false, code: 'MalformedForm', s3Code: 'InvalidArgument', status: 400 })
      noSecret(r)
    }
    // A name, or a prefix, makes a key.
    expect(await verifyPost({ fields, bucket: 'b', fileSize: 1, filename: 'a.png' }, vopts)).toMatchObject({ ok: true, key: 'a.png' })
    const prefixed = await signed({ keyPrefix: 'u/' })
    expect(await verifyPost({ fields: prefixed.fields, bucket: 'b', fileSize: 1, filename: '' }, vopts)).toMatchObject({ ok: true, key: 'u/' })
  })
})

// =================================================================================================
// Credentials past their expiration
// =================================================================================================

/** As for presigned URLs (test/verify/verify-hostile.test.ts, section 6): expired temporary credentials sign no more forms. */
describe('verifyPost: credentials past their expiration are ExpiredToken, whatever the policy expiration', () => {
  const temporary = { ...DOC_CREDENTIALS, sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE/+token=' }
  const until = (ms: number): VerifyPostOptions['credentials'] => (id) => (id === ID ? { ...temporary, expiration: new Date(ms) } : undefined)
  const expired = { ok: false, code: 'ExpiredToken', s3Code: 'ExpiredToken', status: 400, message: 'The provided token has expired.' }
  const form = (secret: string = DOC_SECRET) => presignPost(loc, { credentials: { ...temporary, secretAccessKey: secret }, signingDate: T0, expiresIn: 3600, conditions, fields: { 'Content-Type': 'image/png' } })

  test('valid until the expiration (inclusive), ExpiredToken after it, well inside the policy expiration', async () => {
    const { fields } = await form()
    const request = { fields, bucket: BUCKET, fileSize: 5 }
    for (const now of [T0, T0 + 10_000]) expect((await verifyPost(request, { ...vopts, credentials: until(T0 + 10_000), now })).ok).toBe(true)
    for (const now of [T0 + 10_001, T0 + 3_600_000]) expect(await verifyPost(request, { ...vopts, credentials: until(T0 + 10_000), now })).toEqual(expired)
    // A wrong secret with expired credentials is ExpiredToken too (the token is read before the signature), and no result carries the secret.
    const wrong = await verifyPost({ ...request, fields: (await form('not-the-secret')).fields }, { ...vopts, credentials: until(T0 - 1) })
    expect(wrong).toEqual(expired)
    noSecret(wrong)
  })

  test('another token is InvalidToken, expired or not; hostile expirations are unknown keys', async () => {
    const { fields } = await form()
    const other = { ...fields, 'x-amz-security-token': 'another' }
    expect(await verifyPost({ fields: other, bucket: BUCKET, fileSize: 5 }, { ...vopts, credentials: until(T0 - 1) })).toMatchObject({ ok: false, code: 'InvalidToken' })
    const hostile: Array<[string, unknown]> = [
      ['a string', '2999-01-01T00:00:00Z'],
      ['epoch ms', Date.UTC(2999, 0, 1)],
      ['an invalid Date', new Date(Number.NaN)],
      ['a Date-prototype object without a time', Object.create(Date.prototype)],
    ]
    for (const [label, expiration] of hostile) {
      const r = await verifyPost({ fields, bucket: BUCKET, fileSize: 5 }, { ...vopts, credentials: () => ({ ...temporary, expiration }) as Credentials })
      expect(r, label).toMatchObject({ ok: false, code: 'UnknownAccessKey' })
    }
  })
})

// =================================================================================================
// Options and junk requests
// =================================================================================================

describe('verifyPost: bad options throw PresignError, junk requests resolve', () => {
  const rules: Record<string, (v: unknown) => boolean> = {
    credentials: (v) => typeof v === 'function',
    region: (v) => v === undefined || typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')),
    service: (v) => v === undefined || typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string')),
    now: (v) => v === undefined || (typeof v === 'number' && Number.isFinite(v)) || (v instanceof Date && Number.isFinite(v.getTime())),
  }
  const junkArb = fc.oneof(
    fc.constantFrom<unknown>(Number.NaN, Infinity, -1, 0, '', 'x', '2020-01-01', {}, [], [1], [null], null, true, new Date(Number.NaN), () => undefined, Symbol('s'), 1n, new String('s3')),
    fc.anything({ maxDepth: 1, withBoxedValues: true, withBigInt: true, withDate: true }),
  )
  test('property: options', async () => {
    const { fields } = await signedPost
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(rules)), junkArb, async (name, value) => {
        let threw: unknown
        try {
          await verifyPost({ fields, bucket: BUCKET }, { ...vopts, [name]: value } as VerifyPostOptions)
        } catch (e) {
          threw = e
        }
        if (rules[name]!(value)) expect(threw).toBeUndefined()
        else {
          expect(threw).toBeInstanceOf(PresignError)
          expect((threw as PresignError).field).toBe(`options.${name}`)
          expect((threw as PresignError).code).toBe('InvalidOption')
        }
      }),
      { numRuns: 300 * SCALE, seed: FC_SEED },
    )
    for (const options of [undefined, null, 5, 'x']) {
      await expect(verifyPost({ fields, bucket: BUCKET }, options as unknown as VerifyPostOptions)).rejects.toMatchObject({ name: 'PresignError', field: 'options' })
    }
  })

  test('property: junk requests resolve ok:false (never throw)', async () => {
    const { fields } = await signedPost
    const entryArb = fc.tuple(fc.oneof(fc.constantFrom('file', 'File', 'key', 'policy'), fc.string(), fc.anything({ maxDepth: 0 })), fc.oneof(fc.string({ unit: 'binary' }), fc.anything({ maxDepth: 1 })))
    const fieldsArb = fc.oneof(
      fc.anything({ maxDepth: 2, withMap: true, withSet: true, withBoxedValues: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true }),
      fc.array(fc.oneof(entryArb, fc.anything({ maxDepth: 1 })), { maxLength: 6 }),
      fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.anything({ maxDepth: 1 })), { maxKeys: 6 }),
      fc.array(entryArb, { maxLength: 4 }).map((extra) => [...Object.entries(fields), ...extra]),
    )
    const requestArb = fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.record(
        {
          fields: fieldsArb,
          bucket: fc.oneof(fc.constant(BUCKET), fc.anything({ maxDepth: 0 })),
          fileSize: fc.oneof(fc.constant(undefined), fc.integer({ min: -1, max: 2000 }), fc.anything({ maxDepth: 0 })),
          filename: fc.oneof(fc.constant(undefined), fc.string({ unit: 'binary' })),
        },
        { requiredKeys: [] },
      ),
    )
    await fc.assert(
      fc.asyncProperty(requestArb, async (request) => {
        const r = await verifyPost(request as VerifyPostRequest, vopts)
        expect(typeof r.ok).toBe('boolean')
        noSecret(r)
      }),
      { numRuns: 400 * SCALE, seed: FC_SEED },
    )
  })
})

describe('presignPost: huge options throw PresignError, never RangeError', () => {
  test('200,000 content-length-range conditions, or one exact condition with 200,000 fields', async () => {
    // A spread of that many arguments (Math.max(...), push(...)) would overflow the stack before the 20 KiB form-size
    // check could refuse the policy with a PresignError.
    const cases: Array<[string, PostConditions]> = [
      ['ranges', { other: Array.from({ length: 200_000 }, () => ['content-length-range', 0, 10] as const) }],
      ['one object condition', { other: [Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`x-amz-meta-${i}`, 'v']))] }],
    ]
    for (const [label, c] of cases) {
      let threw: unknown
      try {
        await presignPost({ bucket: 'b', key: 'k', region: 'us-east-1' }, { credentials: DOC_CREDENTIALS, conditions: c })
      } catch (e) {
        threw = e
      }
      expect(threw, `${label}: ${String(threw)}`).toBeInstanceOf(PresignError)
    }
  })
})
