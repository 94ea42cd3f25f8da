import type { Credentials } from '../core/credentials.js'
import { credentialsError, parseDate, parseJson, vetCredentials } from './io.js'
import { shellSplit } from './shlex.js'
import type { Context } from './types.js'

/** Largest `credential_process` output read (a real one prints well under 4 KB). */
export const MAX_PROCESS_OUTPUT = 65536

/**
 * @internal Run a profile's `credential_process` as botocore does: the command line split shell-like (no shell),
 * the environment passed on, standard output parsed as `{ Version: 1, AccessKeyId, SecretAccessKey, SessionToken?,
 * Expiration? }`. Standard error is never read: it could hold a secret. A timeout and an output cap guard the run.
 */
export async function fromProcess(ctx: Context, commandLine: string, field: string): Promise<Credentials> {
  const argv = shellSplit(commandLine)
  if (!argv || argv.length === 0 || argv[0] === '') credentialsError(field, 'is not a valid command line (empty, an unclosed quote or a trailing backslash)')
  let result: Awaited<ReturnType<Context['spawn']>>
  try {
    result = await ctx.spawn(argv[0]!, argv.slice(1), { timeoutMs: ctx.timeouts.process, maxBytes: MAX_PROCESS_OUTPUT, env: ctx.env })
  } catch (e) {
    const code = (e as { code?: unknown })?.code
    return credentialsError(field, `cannot run ${JSON.stringify(argv[0])} (${typeof code === 'string' ? code : 'spawn failed'})`)
  }
  if (result.timedOut) credentialsError(field, `did not finish within ${ctx.timeouts.process} ms`)
  if (result.truncated) credentialsError(field, `printed more than ${MAX_PROCESS_OUTPUT} bytes`)
  if (result.code !== 0) credentialsError(field, `exited with code ${result.code} (its standard error is not shown: it may hold secrets)`)
  return vetCredentials(ctx, processOutput(result.stdout, field), field)
}

/** @internal Validate a credential process's JSON output. */
export function processOutput(stdout: string, field: string): Credentials {
  const out = parseJson(stdout, field)
  if (out['Version'] !== 1) credentialsError(field, `printed Version ${typeof out['Version'] === 'number' ? out['Version'] : 'missing or not a number'}; only Version 1 is supported`)
  const accessKeyId = out['AccessKeyId']
  const secretAccessKey = out['SecretAccessKey']
  const sessionToken = out['SessionToken']
  if (typeof accessKeyId !== 'string' || accessKeyId === '') credentialsError(field, 'printed no AccessKeyId string')
  if (typeof secretAccessKey !== 'string' || secretAccessKey === '') credentialsError(field, 'printed no SecretAccessKey string')
  if (sessionToken != null && typeof sessionToken !== 'string') credentialsError(field, 'printed a SessionToken that is not a string')
  const exp = out['Expiration']
  const expiration = exp == null ? undefined : parseDate(exp, field + '.Expiration')
  return { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined, expiration }
}
