import { PresignError } from '../core/errors.js'

/**
 * @internal Refuse an object key (or a key prefix's complete segments) with a `.` or `..` segment: every URL parser
 * (browsers, `fetch`, `new URL`) removes such segments before sending, so no presigned URL for it could ever work.
 *
 * @param prefix - a key prefix: its last segment may still grow into a name such as `.env`, so it is not checked
 */
export function checkKeySegments(key: string, field: string, prefix = false): void {
  const segments = key.split('/')
  if (prefix) segments.pop()
  if (segments.some((s) => s === '.' || s === '..')) {
    throw new PresignError(
      'InvalidKey',
      field,
      'has a "." or ".." path segment; URL parsers (browsers, fetch, new URL) remove such segments, so no presigned URL for this key can work',
    )
  }
}
