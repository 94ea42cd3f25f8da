/** @internal Base64 (RFC 4648, standard alphabet, with padding) with `atob`/`btoa`: no Node-only `Buffer`. */

/** @internal Base64 of bytes, built in 4 KiB chunks (a spread, or much larger chunks, is far slower on long input). */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (let i = 0; i < bytes.length; i += 0x1000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x1000) as unknown as number[])
  return btoa(binary)
}

/** @internal The bytes of base64 text; `atob` throws on text that is not base64 (callers validate it first). */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}
