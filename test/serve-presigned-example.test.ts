/** examples/serve-presigned.mjs: a node:http file server that only serves valid presigned GETs (runs on the built package). */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { presign } from '../src/index.js'
import { DOC_CREDENTIALS } from './helpers/fixtures.js'

let server: Server
let origin: string
const root = mkdtempSync(join(tmpdir(), 'serve-presigned-'))

beforeAll(async () => {
  mkdirSync(join(root, 'docs'))
  writeFileSync(join(root, 'docs', 'a b+é.txt'), 'hello presigned world')
  // @ts-expect-error: plain JS example without types
  const { fileServer } = (await import('../examples/serve-presigned.mjs')) as { fileServer: (root: string) => Server }
  server = fileServer(root)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(() => {
  server?.close()
  rmSync(root, { recursive: true, force: true })
})

const sign = (path: string, extra: { expiresIn?: number; signingDate?: number } = {}) =>
  presign({ url: origin + path }, { credentials: DOC_CREDENTIALS, region: 'us-east-1', service: 's3', ...extra })

describe('examples/serve-presigned.mjs', () => {
  test('serves a file to a valid presigned GET', async () => {
    const res = await fetch(await sign('/docs/a%20b%2B%C3%A9.txt'))
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('hello presigned world')
  })
  test('refuses an unsigned, tampered or expired URL with S3-style errors', async () => {
    expect((await fetch(origin + '/docs/a%20b%2B%C3%A9.txt')).status).toBe(403)
    const url = await sign('/docs/a%20b%2B%C3%A9.txt')
    const tampered = await fetch(url.replace('/docs/', '/Docs/'))
    expect(tampered.status).toBe(403)
    expect(await tampered.text()).toContain('<Code>SignatureDoesNotMatch</Code>')
    const expired = await fetch(await sign('/docs/a%20b%2B%C3%A9.txt', { expiresIn: 1, signingDate: Date.now() - 60_000 }))
    expect(expired.status).toBe(403)
    expect(await expired.text()).toContain('Request has expired')
  })
  test('a signed URL for a missing file is a 404, and PUT is not served', async () => {
    expect((await fetch(await sign('/docs/missing.txt'))).status).toBe(404)
    expect((await fetch(await sign('/docs/a%20b%2B%C3%A9.txt'), { method: 'PUT', body: 'x' })).status).toBe(405)
  })
})
