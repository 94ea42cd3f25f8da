/**
 * sigv4-presign/gcs: Google Cloud Storage V4 signed URLs and POST policies on Web Crypto, with a service-account key
 * (`GOOG4-RSA-SHA256`) or an HMAC key (`GOOG4-HMAC-SHA256`), proven on Google's conformance suite.
 *
 * @packageDocumentation
 */
import { clearSigningKeyCache } from '../core/signing-key.js'
import { checkKeyFile, clearRsaKeys, type GcsServiceAccountKey } from './key-file.js'

export { presignGcs, presignGcsDetailed } from './presign.js'
export type { GcsPresignResult, PresignGcsOptions } from './presign.js'
export type { SignedUrlDetails } from '../core/signed-url.js'
export { presignGcsPost } from './post.js'
export type { GcsPostLocation, GcsPresignedPost, PresignGcsPostOptions } from './post.js'
export { gcsObjectUrl } from './address.js'
export type { GcsBucketAddress, GcsLocation } from './address.js'
export type { GcsCredentials, GcsHmacKey } from './signer.js'
export type { GcsServiceAccountKey } from './key-file.js'
export { PresignError } from '../core/errors.js'
export type { PresignErrorCode } from '../core/errors.js'
export type { HeadersInput } from '../core/canonical-request.js'
export type { DateInput } from '../core/time.js'
export type { PostConditions, PostPolicyCondition, PostPolicyOptions, SignedPostPolicy } from '../s3/post-form.js'

/**
 * Validate a service-account key file (its JSON text or the parsed object) and return its signer and key, e.g. to
 * refuse a bad `--key-file` before signing anything: `type` (if present) must be `service_account`, `client_email`
 * an email, and `private_key` an unencrypted PKCS#8 PEM RSA key (`-----BEGIN PRIVATE KEY-----`).
 *
 * @throws {PresignError} `InvalidKeyFile`: malformed JSON, a missing or bad field, a PKCS#1, encrypted or non-RSA key.
 *   The message never contains the key.
 */
export function parseGcsKeyFile(keyFile: string | GcsServiceAccountKey): GcsServiceAccountKey {
  const { clientEmail, privateKey } = checkKeyFile(keyFile, 'keyFile', true)
  return { type: 'service_account', client_email: clientEmail, private_key: privateKey }
}

/** Forget every cached service-account key (imported on first use) and HMAC signing key (e.g. after rotating keys). */
export function clearGcsKeyCache(): void {
  clearRsaKeys()
  clearSigningKeyCache()
}
