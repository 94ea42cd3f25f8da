/** What every detailed signer returns (SigV4, SigV4a, Cloud Storage V4), for debugging `SignatureDoesNotMatch`. */
export interface SignedUrlDetails {
  /** The signed URL. */
  readonly url: string
  /** The method the URL is valid for. */
  readonly method: string
  /** Headers (other than `host`) the client must send with exactly these values, lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  /** Lower-case names of the signed headers, sorted (always includes `host`). */
  readonly signedHeaders: readonly string[]
  /** The canonical request that was signed. Compare it with the one in the service's `SignatureDoesNotMatch` answer. */
  readonly canonicalRequest: string
  /** The string to sign. */
  readonly stringToSign: string
  /** The signature (`X-Amz-Signature`, `X-Goog-Signature`), hex. */
  readonly signature: string
  /** When the URL becomes valid. */
  readonly signedAt: Date
  /** When the URL stops being valid (`signedAt + expiresIn`). */
  readonly expiresAt: Date
}
