import { describe, expect, test } from 'vitest'
import { canonicalHeaders, canonicalQueryString, canonicalRequest, canonicalUri } from '../../src/index.js'

describe('canonicalUri', () => {
  test('S3: never normalized; encoded once as S3 does (an S3-encoded path is unchanged)', () => {
    const s3 = { normalize: false, doubleEncode: false }
    expect(canonicalUri('/my-object//example//photo.user', s3)).toBe('/my-object//example//photo.user')
    expect(canonicalUri('/a%20b/%C3%A9%2B%28%29', s3)).toBe('/a%20b/%C3%A9%2B%28%29')
    expect(canonicalUri('', s3)).toBe('/')
    // Measured on OpenStack Swift s3api and s3rver (test/e2e): they decode the path and UriEncode it again,
    // so literal sub-delims are encoded, lower-case escapes are upper-cased, and %2F is a "/".
    expect(canonicalUri('/by-hand/a+b(1)!*\'=;,:@$&.txt', s3)).toBe('/by-hand/a%2Bb%281%29%21%2A%27%3D%3B%2C%3A%40%24%26.txt')
    expect(canonicalUri('/a%7e%e6%97%a5', s3)).toBe('/a~%E6%97%A5')
    expect(canonicalUri('/a%2Fb', s3)).toBe('/a/b')
  })
  test('other services: dot segments removed, empty segments collapsed, then encoded again', () => {
    expect(canonicalUri('/documents%20and%20settings/')).toBe('/documents%2520and%2520settings/')
    expect(canonicalUri('/a/./b/../c//d/')).toBe('/a/c/d/')
    expect(canonicalUri('/example/..')).toBe('/')
    expect(canonicalUri('//')).toBe('/')
    expect(canonicalUri('/arn%3Aaws/@x')).toBe('/arn%253Aaws/%40x')
    expect(canonicalUri('')).toBe('/')
  })
})

describe('canonicalQueryString', () => {
  test('RFC 3986 encoding, sorted by key then value, duplicates kept, empty values as k=', () => {
    expect(canonicalQueryString('?b=2&a=x%20y&a=%21&c&d=')).toBe('a=%21&a=x%20y&b=2&c=&d=')
  })
  test('sorts by encoded key (byte order: upper case before lower case)', () => {
    expect(canonicalQueryString('a=1&B=2&%C3%A9=3&_=4')).toBe('%C3%A9=3&B=2&_=4&a=1')
  })
  test('a literal + in a query is a space, as S3 and botocore read it; %2B is a plus', () => {
    expect(canonicalQueryString('q=a+b')).toBe('q=a%20b')
    expect(canonicalQueryString('q=a%2Bb')).toBe('q=a%2Bb')
    expect(canonicalQueryString('a+b=c++d&a%2Bb=+')).toBe('a%20b=c%20%20d&a%2Bb=%20')
  })
  test('empty query', () => {
    expect(canonicalQueryString('')).toBe('')
    expect(canonicalQueryString('?')).toBe('')
  })
})

describe('canonicalHeaders', () => {
  test('lower-case names, trimmed values with inner runs collapsed, sorted', () => {
    const r = canonicalHeaders({ 'X-Amz-Meta-B': '  a   b  ', Host: 'h', 'content-type': 'text/plain' })
    expect(r.canonicalHeaders).toBe('content-type:text/plain\nhost:h\nx-amz-meta-b:a b\n')
    expect(r.signedHeaders).toBe('content-type;host;x-amz-meta-b')
  })
  test('repeated headers joined by "," in the order given (not ", ")', () => {
    expect(canonicalHeaders([['My-Header1', 'value2'], ['my-header1', 'value2'], ['MY-HEADER1', 'value1']]).canonicalHeaders).toBe(
      'my-header1:value2,value2,value1\n',
    )
    expect(canonicalHeaders({ a: ['1', ' 2 '] }).canonicalHeaders).toBe('a:1,2\n')
  })
  test('accepts a Headers object', () => {
    const h = new Headers({ 'Content-Type': 'image/jpeg', Host: 'h' })
    expect(canonicalHeaders(h).signedHeaders).toBe('content-type;host')
  })
})

test('canonicalRequest joins the parts', () => {
  expect(
    canonicalRequest({ method: 'GET', canonicalUri: '/', canonicalQuery: 'a=1', canonicalHeaders: 'host:h\n', signedHeaders: 'host', payloadHash: 'UNSIGNED-PAYLOAD' }),
  ).toBe('GET\n/\na=1\nhost:h\n\nhost\nUNSIGNED-PAYLOAD')
})

describe('header and query rules', () => {
  // Found by mutation testing: each test fails if the rule it names is dropped or its bound moved by one.
  test('a tab inside a header value is whitespace: runs collapse to one space (botocore: " ".join(v.split()))', () => {
    expect(canonicalHeaders({ host: 'h', 'x-a': 'a\t\tb' }).canonicalHeaders).toBe('host:h\nx-a:a b\n')
  })
  test('"!" is a token character in a header name (RFC 9110 tchar)', () => {
    expect(canonicalHeaders({ host: 'h', 'x-a!': '1' }).signedHeaders).toBe('host;x-a!')
  })
  test('empty query pairs are dropped', () => {
    expect(canonicalQueryString('a=1&&b=2&')).toBe('a=1&b=2')
  })
})
