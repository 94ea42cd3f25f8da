// A tiny file server that serves files from a folder only to valid presigned GETs
// (the other half of presigned URLs: a gateway or a test double for S3). Every byte of a request is hostile: keys are
// looked up in a Map (no inherited "constructor"), and only a plain path inside the folder is ever read: a key is one
// file path (S3 keys are literal: "a.txt/" and "docs//b.txt" are other keys), and links never lead out of the folder.
//   node examples/serve-presigned.mjs ./public   (then presign http://127.0.0.1:8080/<file> with service s3)
import { readFile, realpath } from 'node:fs/promises'
import { createServer } from 'node:http'
import { resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { verifyPresigned } from '../dist/index.js'

/** Credentials the server accepts (in real life: a database or a secrets manager): a Map, or a plain object. */
const KEYS = new Map([['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY']])
const escapeXml = (text) => String(text).replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`)
const decode = (text) => { try { return decodeURIComponent(text) } catch {} } // "%E0%A4%A": undefined
/** A "." or ".." segment, a backslash, NUL or another control character: never part of a file name here. */
const UNSAFE_PATH = /(?:^|\/)\.\.?(?:\/|$)|[\\\0-\x1f\x7f]/

/**
 * The file of `path` in the folder `base`, or `undefined`: the path as resolved and as the links on it lead must both
 * stay inside the folder (a link to ../outside.txt is not followed out), and the resolved file is what is read.
 */
async function readInside(base, path) {
  const file = resolve(base, '.' + path)
  if (!file.startsWith(base + sep)) return undefined
  const [root, real] = await Promise.all([realpath(base), realpath(file)]).catch(() => [])
  return real?.startsWith(root + sep) ? readFile(real).catch(() => undefined) : undefined
}

export function fileServer(root, { region = 'us-east-1', keys = KEYS } = {}) {
  const table = keys instanceof Map ? keys : new Map(Object.entries(keys).filter(([id]) => Object.hasOwn(keys, id)))
  const credentials = (id) => {
    const secret = table.get(id)
    return typeof secret === 'string' && secret !== '' ? { accessKeyId: id, secretAccessKey: secret } : undefined
  }
  const base = resolve(root)
  const serve = async (req, res) => {
    const xml = (status, code, message, close = false) =>
      res.writeHead(status, { 'content-type': 'application/xml', ...(close && { connection: 'close' }) }).end(`<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message></Error>`)
    if (req.method !== 'GET' && req.method !== 'HEAD') return xml(405, 'MethodNotAllowed', 'Only GET and HEAD', true)
    // A body is refused unread; an absolute-form target ("GET http://x/y") would verify one path and serve another.
    if (req.headers['transfer-encoding'] || Number(req.headers['content-length'] ?? 0) !== 0) return xml(400, 'InvalidRequest', 'A GET or HEAD has no body', true)
    const path = req.url.startsWith('/') ? decode(req.url.split('?')[0]) : undefined
    if (path === undefined || UNSAFE_PATH.test(path) || Buffer.byteLength(path) > 1024) return xml(400, 'InvalidURI', "Couldn't parse the specified URI.")
    const result = await verifyPresigned({ method: req.method, url: req.url, headers: req.headers }, { region, credentials })
    if (!result.ok) return xml(403, result.s3Code, result.message)
    const body = /\/\/|\/$/.test(path) ? undefined : await readInside(base, path)
    if (!body) return xml(404, 'NoSuchKey', 'The specified key does not exist.')
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length, 'x-content-type-options': 'nosniff' })
    res.end(req.method === 'HEAD' ? undefined : body)
  }
  return createServer((req, res) => serve(req, res).catch(() => res.destroy())) // never a crash, never a stack trace
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = process.argv[2] ?? '.'
  fileServer(root).listen(8080, '127.0.0.1', () => console.log(`serving ${root} to presigned GETs on http://127.0.0.1:8080`))
}
