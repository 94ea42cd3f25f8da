// The request body of the example servers, read as hostile input: at most `max` bytes (a declared Content-Length
// over it is refused before reading; reading stops once the limit passes), and a client that leaves is noticed.

/** The body as a Buffer; 'too large' once it passes `max` bytes; 'cut short' if the client left. */
export function readBody(req, max) {
  return new Promise((resolve) => {
    if (Number(req.headers['content-length']) > max) return resolve('too large')
    const chunks = []
    let size = 0
    req.on('data', (chunk) => {
      if ((size += chunk.length) <= max) return chunks.push(chunk)
      req.pause()
      req.removeAllListeners('data')
      resolve('too large')
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', () => resolve('cut short'))
    req.on('close', () => resolve('cut short')) // after 'end' or 'too large': a no-op
  })
}
