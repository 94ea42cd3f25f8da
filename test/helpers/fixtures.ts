import { expect } from 'vitest'
import { PresignError } from '../../src/index.js'

/** AWS's documentation example credentials (public, non-working). */
export const DOC_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
} as const

export const DOC_SECRET = DOC_CREDENTIALS.secretAccessKey

/** A session token used by the error tests; it must never appear in an error either. */
export const TEST_TOKEN = 'FQoGZXIvYXdzEXAMPLESESSIONTOKEN/+=='

/** No rendering of the error contains the documentation example's secret key or the test session token. */
export function expectNoDocSecret(err: PresignError): void {
  for (const text of [err.message, String(err), JSON.stringify(err), err.stack ?? '', JSON.stringify(Object.entries(err))]) {
    expect(text).not.toContain(DOC_SECRET)
    expect(text).not.toContain(TEST_TOKEN)
  }
}

/**
 * Run `run`, expect it to reject with a PresignError whose message starts with its field, and check with `noSecret`
 * (default: {@link expectNoDocSecret}) that no rendering of the error contains a secret. Returns the error.
 */
export async function rejection(run: () => Promise<unknown>, noSecret: (err: PresignError) => void = expectNoDocSecret): Promise<PresignError> {
  let caught: unknown
  try {
    await run()
  } catch (e) {
    caught = e
  }
  expect(caught, 'expected a rejection').toBeInstanceOf(PresignError)
  const err = caught as PresignError
  noSecret(err)
  expect(err.message.startsWith(err.field + ': ')).toBe(true)
  return err
}
