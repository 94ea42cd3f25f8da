// A tiny file server that serves files from a folder only to valid presigned GETs
// (the other half of presigned URLs: a gateway or a test double for S3).
//   node examples/serve-presigned.mjs ./public   (then presign http://127.0.0.1:8080/<file> with service s3)
import { readFile } from 'node:fs/promises'
import { createServer } from 'node:http'
import { join, normalize, sep } from 'node:path'
import { verifyPresigned } from '../dist/index.js'

/** Credentials the server accepts (in real life: a database or a secrets manager). */
const KEYS = { AKIAIOSFODNN7EXAMPLE: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }

export function fileServer(root, { region = 'us-east-1', keys = KEYS } = {}) {
  return createServer(async (req, res) => {
    const xml = (status, code, message) =>
      res.writeHead(status, { 'content-type': 'application/xml' }).end(`<Error><Code>${code}</Code><Message>${message}</Message></Error>`)
    if (req.method !== 'GET' && req.method !== 'HEAD') return xml(405, 'MethodNotAllowed', 'Only GET and HEAD')
    const result = await verifyPresigned(
      { method: req.method, url: req.url, headers: req.headers },
      { region, credentials: (id) => (keys[id] ? { accessKeyId: id, secretAccessKey: keys[id] } : undefined) },
    )
    if (!result.ok) return xml(403, result.s3Code, result.message)
    try {
      const path = normalize(join(root, decodeURIComponent(req.url.split('?')[0])))
      if (!path.startsWith(normalize(root) + sep)) return xml(403, 'AccessDenied', 'Outside the served folder')
      const body = await readFile(path)
      res.writeHead(200, { 'content-length': body.length }).end(req.method === 'HEAD' ? undefined : body)
    } catch {
      xml(404, 'NoSuchKey', 'The specified key does not exist.')
    }
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = process.argv[2] ?? '.'
  fileServer(root).listen(8080, '127.0.0.1', () => console.log(`serving ${root} to presigned GETs on http://127.0.0.1:8080`))
}
