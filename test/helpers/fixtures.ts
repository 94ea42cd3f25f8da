/** AWS's documentation example credentials (public, non-working). */
export const DOC_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
} as const

export const DOC_SECRET = DOC_CREDENTIALS.secretAccessKey
