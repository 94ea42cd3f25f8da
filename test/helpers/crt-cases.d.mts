import type { Credentials } from '../../src/index.js'

/** A raw HTTP request as written in the suites' request files. */
export interface RawRequest {
  method: string
  target: string
  headers: Array<[string, string]>
  body: string
}

/** A CRT suite case's context.json. */
export interface CrtContext {
  credentials: { access_key_id: string; secret_access_key: string; token?: string }
  expiration_in_seconds: number
  normalize: boolean
  region: string
  service: string
  sign_body: boolean
  timestamp: string
  omit_session_token?: boolean
}

/** One CRT query case: presign inputs and the suite's expected outputs. */
export interface CrtCase {
  ctx: CrtContext
  request: { method: string; url: string; headers: Array<[string, string]>; body?: string }
  options: {
    credentials: Credentials
    region: string
    service: string
    expiresIn: number
    signingDate: string
    normalizePath: boolean
    doubleEncodePath: false
    signSessionToken: boolean
  }
  expected: { canonicalRequest: string; stringToSign: string; signature: string; method: string; url: string }
}

export function parseRawRequest(text: string): RawRequest
export function asSentOnTheWire(target: string): string
export function crtCase(dir: string): CrtCase
