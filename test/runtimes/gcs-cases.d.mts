/** Types of test/runtimes/gcs-cases.mjs (Google's Cloud Storage V4 signing conformance suite). */

/** One signingV4Tests case of v4_signatures.json (see the suite's tests.proto). */
export interface SigningV4Test {
  description: string
  bucket: string
  object?: string
  method: string
  expiration: number | string
  timestamp: string
  expectedUrl: string
  expectedCanonicalRequest: string
  expectedStringToSign: string
  headers?: Record<string, string>
  queryParameters?: Record<string, string>
  scheme?: string
  urlStyle?: 'PATH_STYLE' | 'VIRTUAL_HOSTED_STYLE' | 'BUCKET_BOUND_HOSTNAME'
  bucketBoundHostname?: string
  hostname?: string
  clientEndpoint?: string
  emulatorHostname?: string
  universeDomain?: string
}

/** One postPolicyV4Tests case. */
export interface PostPolicyV4Test {
  description: string
  policyInput: {
    scheme?: string
    urlStyle?: SigningV4Test['urlStyle']
    bucketBoundHostname?: string
    bucket: string
    object: string
    expiration: number
    timestamp: string
    fields?: Record<string, string>
    conditions?: { contentLengthRange?: [number, number]; startsWith?: [string, string] }
  }
  policyOutput: { url: string; fields: Record<string, string>; expectedDecodedPolicy: string }
}

/** The parsed v4_signatures.json. */
export interface GcsConformanceSuite {
  signingV4Tests: SigningV4Test[]
  postPolicyV4Tests: PostPolicyV4Test[]
}

/** One case's outcome. */
export interface CaseResult {
  name: string
  ok: boolean
  detail: string
}

/** The library surface the runner uses (the gcs entry's module namespace). */
export type GcsLib = Pick<typeof import('../../src/gcs/index.js'), 'presignGcs' | 'presignGcsDetailed' | 'presignGcsPost'>

export const KNOWN_SUITE_DEFECTS: Record<string, string>
export function signingCaseInput(c: SigningV4Test, keyFile: unknown): { location: import('../../src/gcs/index.js').GcsLocation; options: import('../../src/gcs/index.js').PresignGcsOptions }
export function postCaseInput(c: PostPolicyV4Test, keyFile: unknown): { location: import('../../src/gcs/index.js').GcsPostLocation; options: import('../../src/gcs/index.js').PresignGcsPostOptions }
export function runSigningCase(lib: GcsLib, c: SigningV4Test, keyFile: unknown): Promise<void>
export function runPostCase(lib: GcsLib, c: PostPolicyV4Test, keyFile: unknown): Promise<void>
export function runGcsConformance(lib: GcsLib, suite: GcsConformanceSuite, keyFile: unknown): Promise<CaseResult[]>
