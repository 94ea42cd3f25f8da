/**
 * The sigv4-presign/checksums entry as a package boundary: what src/checksums/ may import (only itself and
 * src/core/, no Node built-in, no dependency), that every export is documented with an example, and that it
 * tree-shakes: a bundle of one algorithm carries none of the others (esbuild, as bench/size.mjs measures).
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import * as entry from '../../src/checksums/index.js'
import { bundle } from '../helpers/bundle.js'
import { projectRoot } from '../helpers/suite.js'

const dir = join(projectRoot, 'src', 'checksums')
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'))

describe('src/checksums/', () => {
  test('imports only from itself and src/core/; no node: module, no package', () => {
    const problems: string[] = []
    for (const file of files) {
      for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/^(?:import|export)\b[^'\n]*?from\s+'([^']+)'/gm)) {
        const spec = m[1]!
        if (!(spec.startsWith('./') || spec.startsWith('../core/'))) problems.push(`${file} imports ${spec}`)
      }
    }
    expect(problems).toEqual([])
  })

  test('every exported function and constant has JSDoc with an @example', () => {
    const missing: string[] = []
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8')
      for (const m of text.matchAll(/^export (?:async )?(?:function|const) (\w+)/gm)) {
        const before = text.slice(0, m.index)
        const doc = before.slice(before.lastIndexOf('/**'))
        const internal = doc.includes('@internal')
        if (!internal && !(doc.includes('*/') && doc.includes('@example') && before.trimEnd().endsWith('*/'))) missing.push(`${file}: ${m[1]}`)
      }
    }
    expect(missing).toEqual([])
  })

  test('the entry exports', () => {
    expect(Object.keys(entry).sort()).toEqual(
      [
        'CHECKSUM_ALGORITHMS',
        'checksum',
        'checksumHeader',
        'crc32',
        'crc32c',
        'crc64nvme',
        'createChecksum',
        'createCrc32',
        'createCrc32c',
        'createCrc64Nvme',
        'createMd5',
        'createSha1',
        'createSha256',
        'md5',
        'sha1',
        'sha256',
        'toBase64',
      ].sort(),
    )
  })
})

async function bundleOf(names: string): Promise<{ code: string; gzip: number }> {
  const code = await bundle(`export { ${names} } from './src/checksums/index.ts'`)
  return { code, gzip: gzipSync(code, { level: 9 }).length }
}

// A constant that only one algorithm's code contains (esbuild prints it in decimal): the polynomials, SHA-1's first
// round constant, SHA-256's first K, MD5's first sine constant.
const MARKS: Record<string, RegExp> = Object.fromEntries(
  Object.entries({ CRC32: 0xedb88320, CRC32C: 0x82f63b78, CRC64NVME: 0xac4bc9b5, SHA1: 0x5a827999, SHA256: 0x428a2f98, MD5: 0xd76aa478 }).map(([a, n]) => [
    a,
    new RegExp(`\\b${n}\\b`),
  ]),
)

describe('tree-shaking (esbuild, minified)', () => {
  test.each([
    ['crc32', 'CRC32'],
    ['crc32c', 'CRC32C'],
    ['crc64nvme', 'CRC64NVME'],
    ['sha1', 'SHA1'],
    ['sha256', 'SHA256'],
    ['md5', 'MD5'],
  ])('%s alone carries only its own algorithm', async (name, algorithm) => {
    const { code, gzip } = await bundleOf(name)
    const present = Object.entries(MARKS)
      .filter(([, mark]) => mark.test(code))
      .map(([a]) => a)
    expect(present).toEqual([algorithm])
    expect(code).not.toMatch(/\bnode:|require\(/)
    expect(gzip).toBeLessThan(4000)
  })

  test('checksumHeader and toBase64 carry none', async () => {
    for (const name of ['checksumHeader', 'toBase64', 'CHECKSUM_ALGORITHMS']) {
      const { code, gzip } = await bundleOf(name)
      expect(Object.entries(MARKS).filter(([, mark]) => mark.test(code))).toEqual([])
      expect(gzip).toBeLessThan(800)
    }
  })

  test('checksum (by name) carries all six', async () => {
    const { code } = await bundleOf('checksum')
    for (const mark of Object.values(MARKS)) expect(code).toMatch(mark)
  })
})
