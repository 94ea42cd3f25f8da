/** The command line's arguments: parsed and checked before anything is read or resolved. */
import { MAX_EXPIRES } from '../core/constants.js'
import type { PresignS3Options, S3ChecksumAlgorithm } from '../index.js'

/** A usage error: one line on stderr, exit code 2. User-controlled text in its message is quoted with JSON.stringify. */
export class UsageError extends Error {}

/** Escape what JSON.stringify leaves raw (DEL, C1 controls, U+2028/U+2029) and any line break, so an error is one stderr line. */
export const oneLine = (s: string): string => s.replace(/[\0-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/** Environment variables as the CLI reads them. */
export type Env = Readonly<Record<string, string | undefined>>

/** Positional arguments and `--flag value` pairs (repeatable flags keep every value). */
export interface Args {
  positional: string[]
  flags: Map<string, string[]>
}

const VALUE_FLAGS = new Set([
  'expires-in',
  'method',
  'region',
  'endpoint-url',
  'content-type',
  'content-length',
  'checksum',
  'content-md5',
  'response-content-disposition',
  'service',
  'header',
  'profile',
  'key-file',
  'bucket-bound-hostname',
  'universe-domain',
])
const BOOL_FLAGS = new Set(['virtual-hosted', 'path-style', 'accelerate', 'dual-stack', 'fips', 'json', 'debug', 'help', 'version'])

/** The commands, as the first argument names them. */
export type Command = 's3' | 'gs' | 'url' | 'explain'

/**
 * Options only some commands read. Any other command refuses them: ignoring one would sign a URL that binds less (a
 * size, a checksum) or points elsewhere (an endpoint variant, a URL style) than the command line asked for.
 */
const only = (commands: readonly Command[], names: readonly string[]): Array<[string, readonly Command[]]> => names.map((n) => [n, commands])
const ONLY_FOR: ReadonlyMap<string, readonly Command[]> = new Map([
  ...only(['s3'], ['content-length', 'checksum', 'content-md5', 'accelerate', 'dual-stack', 'fips', 'path-style']),
  ...only(['gs'], ['key-file', 'virtual-hosted', 'bucket-bound-hostname', 'universe-domain']),
  // The url command signs the URL it is given: no endpoint or response override goes into it; s3:// signs for s3.
  ...only(['s3', 'gs'], ['endpoint-url', 'response-content-disposition']),
  ...only(['url'], ['service']),
])
const COMMAND_NAMES: Readonly<Record<Command, string>> = { s3: 's3:// URLs', gs: 'gs:// URLs', url: 'the url command', explain: 'explain' }

/** A usage error for an option the command does not read, or for more arguments than its one URL. */
export function checkFlagsFor(command: Command, args: Args): void {
  for (const name of args.flags.keys()) {
    const commands = ONLY_FOR.get(name)
    if (commands !== undefined && !commands.includes(command)) {
      throw new UsageError(`--${name} is for ${commands.map((c) => COMMAND_NAMES[c]).join(' and ')} only: a URL signed without it would not be what was asked`)
    }
  }
  const extra = args.positional[command === 'url' || command === 'explain' ? 2 : 1]
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)}: one URL per command`)
}

/** `argv` as positional arguments and flags; an unknown flag or one without its value is a usage error. */
export function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = []
  const flags = new Map<string, string[]>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '-h') flags.set('help', ['true'])
    else if (arg === '-v') flags.set('version', ['true'])
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=')
      const name = arg.slice(2, eq < 0 ? undefined : eq)
      if (BOOL_FLAGS.has(name)) {
        // --fips, --fips=true or --fips=false (which turns it off); any other value is a mistake, not a yes.
        const value = eq < 0 ? 'true' : arg.slice(eq + 1).toLowerCase()
        if (value !== 'true' && value !== 'false') throw new UsageError(`--${name} takes no value, or =true / =false, got ${JSON.stringify(arg)}`)
        if (value === 'true') flags.set(name, ['true'])
        else flags.delete(name)
        continue
      }
      if (!VALUE_FLAGS.has(name)) throw new UsageError(`unknown option ${JSON.stringify(`--${name}`)}; see --help`)
      const value = eq < 0 ? argv[++i] : arg.slice(eq + 1)
      if (value === undefined) throw new UsageError(`--${name} needs a value`)
      flags.set(name, [...(flags.get(name) ?? []), value])
    } else if (/^-[^-]/.test(arg)) throw new UsageError(`unknown option ${JSON.stringify(arg)}; see --help`)
    else positional.push(arg)
  }
  return { positional, flags }
}

/** The last value of `--name`. */
export const flag = (args: Args, name: string): string | undefined => args.flags.get(name)?.at(-1)

/** `--expires-in`: a whole number of seconds in 1..604800. */
export function parseExpires(args: Args): number | undefined {
  const text = flag(args, 'expires-in')
  if (text === undefined) return undefined
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_EXPIRES) {
    throw new UsageError(`--expires-in must be a whole number of seconds in 1..${MAX_EXPIRES} (7 days), got ${JSON.stringify(text)}`)
  }
  return Number(text)
}

/** `--header 'Name: value'` (repeatable) and `--content-type`. */
export function parseHeaders(args: Args): Array<[string, string]> {
  const headers: Array<[string, string]> = []
  for (const h of args.flags.get('header') ?? []) {
    const i = h.indexOf(':')
    if (i <= 0) throw new UsageError(`--header must look like 'Name: value', got ${JSON.stringify(h)}`)
    headers.push([h.slice(0, i).trim(), h.slice(i + 1).trim()])
  }
  const contentType = flag(args, 'content-type')
  if (contentType !== undefined) headers.push(['content-type', contentType])
  return headers
}

/** `--content-length`, `--checksum ALG:VALUE` and `--content-md5`: what a PUT URL binds the body to. */
export function parseBindings(args: Args): Pick<PresignS3Options, 'contentLength' | 'checksum' | 'contentMD5'> {
  const length = flag(args, 'content-length')
  if (length !== undefined && !/^\d{1,16}$/.test(length)) throw new UsageError(`--content-length must be a whole number of bytes, got ${JSON.stringify(length)}`)
  const checksum = flag(args, 'checksum')
  const i = checksum?.indexOf(':') ?? -1
  if (checksum !== undefined && i <= 0) throw new UsageError(`--checksum must look like ALGORITHM:BASE64, e.g. CRC32:y/Q5Jg==, got ${JSON.stringify(checksum)}`)
  return {
    contentLength: length === undefined ? undefined : Number(length),
    checksum: checksum === undefined ? undefined : { algorithm: checksum.slice(0, i).toUpperCase() as S3ChecksumAlgorithm, value: checksum.slice(i + 1) },
    contentMD5: flag(args, 'content-md5'),
  }
}
