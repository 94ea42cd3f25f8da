/** The built-in SHA-256 / HMAC-SHA256 of the synchronous path, against published vectors and Web Crypto. */
import { createHash, createHmac } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { hmac, hmacHex, hmacKey, sha256, sha256Hex } from '../../src/core/sha256.js'

const hex = (b: Uint8Array | ArrayBuffer) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex')
const bytes = (h: string) => new Uint8Array(Buffer.from(h, 'hex'))
const repeat = (byte: number, n: number) => new Uint8Array(n).fill(byte)

describe('SHA-256: NIST FIPS 180-4 examples', () => {
  const cases: Array<[string, string | Uint8Array, string]> = [
    ['empty', '', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
    ['448 bits', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1'],
    [
      '896 bits',
      'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    ],
    ['one million a', 'a'.repeat(1_000_000), 'cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0'],
  ]
  test.each(cases)('%s', (_name, input, expected) => {
    expect(sha256Hex(input)).toBe(expected)
    expect(hex(sha256(typeof input === 'string' ? new TextEncoder().encode(input) : input))).toBe(expected)
  })
})

describe('HMAC-SHA256: RFC 4231 test cases', () => {
  const cases: Array<[string, Uint8Array, Uint8Array, string]> = [
    ['1', repeat(0x0b, 20), new TextEncoder().encode('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    ['2', new TextEncoder().encode('Jefe'), new TextEncoder().encode('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    ['3', repeat(0xaa, 20), repeat(0xdd, 50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    ['4', bytes('0102030405060708090a0b0c0d0e0f10111213141516171819'), repeat(0xcd, 50), '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b'],
    ['6', repeat(0xaa, 131), new TextEncoder().encode('Test Using Larger Than Block-Size Key - Hash Key First'), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'],
    [
      '7',
      repeat(0xaa, 131),
      new TextEncoder().encode('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ]
  test.each(cases)('test case %s', (_name, key, data, expected) => {
    expect(hmacHex(hmacKey(key), data)).toBe(expected)
    expect(hex(hmac(hmacKey(key), data))).toBe(expected)
    expect(createHmac('sha256', key).update(data).digest('hex')).toBe(expected)
  })
  test('RFC 4231 case 5 (truncated to 128 bits)', () => {
    expect(hmacHex(hmacKey(repeat(0x0c, 20)), new TextEncoder().encode('Test With Truncation')).slice(0, 32)).toBe('a3b6167473100ee06e0c796c2955552b')
  })
})

describe('against Web Crypto and node:crypto', () => {
  test('random bytes of every length 0..2000', async () => {
    let seed = 12345
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) & 0xff
    for (let n = 0; n <= 2000; n++) {
      const data = new Uint8Array(n)
      for (let i = 0; i < n; i++) data[i] = rand()
      const expected = hex(await crypto.subtle.digest('SHA-256', data))
      expect(sha256Hex(data), `length ${n}`).toBe(expected)
    }
  })
  test('ASCII strings of every length 0..2000 (the string fast path)', () => {
    for (let n = 0; n <= 2000; n++) {
      const s = Array.from({ length: n }, (_, i) => String.fromCharCode(32 + ((i * 7 + n) % 95))).join('')
      expect(sha256Hex(s), `length ${n}`).toBe(createHash('sha256').update(s).digest('hex'))
    }
  })
  test('multi-byte strings are hashed as UTF-8', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.string({ unit: 'grapheme', maxLength: 100 }), (s, k) => {
        expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'))
        expect(hmacHex(hmacKey(k), s)).toBe(createHmac('sha256', k).update(s, 'utf8').digest('hex'))
      }),
      { numRuns: 500 },
    )
  })
  test('HMAC keys of every length 0..200 against Web Crypto', async () => {
    const data = new TextEncoder().encode('AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\nabc')
    for (let n = 0; n <= 200; n++) {
      const key = repeat(n & 0xff, n)
      const expected = n === 0 ? createHmac('sha256', key).update(data).digest('hex') : hex(await crypto.subtle.sign('HMAC', await crypto.subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']), data))
      expect(hmacHex(hmacKey(key), data), `key length ${n}`).toBe(expected)
    }
  })
  test('a prepared key can be reused and interleaved', () => {
    const a = hmacKey('key-a')
    const b = hmacKey('key-b')
    for (let i = 0; i < 5; i++) {
      expect(hmacHex(a, 'm' + i)).toBe(createHmac('sha256', 'key-a').update('m' + i).digest('hex'))
      expect(hmacHex(b, 'x'.repeat(i * 50))).toBe(createHmac('sha256', 'key-b').update('x'.repeat(i * 50)).digest('hex'))
    }
  })
  test('a reused key is right whether or not a message starts with the 64 characters of the one before', () => {
    // hmacState keeps the inner state after the first 64 ASCII characters of the last message on the key.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('AWS4-HMAC-SHA256\n20240101T000000Z\n20240101/us-east-1/s3/aws4_request\n', 'é'.repeat(70), 'a'.repeat(63), 'b'.repeat(64)), fc.string({ maxLength: 150, unit: 'binary' })), { maxLength: 8 }),
        (messages) => {
          const key = hmacKey('reused')
          for (const [head, tail] of messages) {
            expect(hmacHex(key, head + tail)).toBe(createHmac('sha256', 'reused').update(head + tail).digest('hex'))
            expect(hmac(key, tail + head)).toEqual(new Uint8Array(createHmac('sha256', 'reused').update(tail + head).digest()))
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
