/**
 * A Node script of the project (an example server, the POST gateway) as a child process: under coreutils `timeout`
 * (so it cannot outlive a crashed test run), in its own process group, resolved once its output says it listens.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { projectRoot } from './env.js'

export interface NodeScript {
  /** SIGTERM to the process group (SIGKILL after 5 s); resolves once it exited. Idempotent. */
  stop(): Promise<void>
  /** Everything it printed so far (stdout and stderr). */
  output(): string
}

/** Start `node <script>` (relative to the project root) with `env` added, resolved when its output contains `ready`. */
export async function startNodeScript(
  script: string,
  env: Record<string, string>,
  { ready = 'listening on', lifetimeS = 300, startTimeoutMs = 15_000 }: { ready?: string; lifetimeS?: number; startTimeoutMs?: number } = {},
): Promise<NodeScript> {
  let output = ''
  const child: ChildProcess = spawn('timeout', ['--kill-after=5', String(lifetimeS), process.execPath, script], {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  })
  const kill = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal)
    } catch {
      // gone
    }
  }
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const timer = setTimeout(() => kill('SIGKILL'), 5_000)
    kill('SIGTERM')
    await exited
    clearTimeout(timer)
  }
  await new Promise<void>((resolve, fail) => {
    const timer = setTimeout(() => fail(new Error(`${script} did not start in ${startTimeoutMs} ms:\n${output}`)), startTimeoutMs)
    const onData = (chunk: Buffer): void => {
      output += chunk.toString()
      if (output.includes(ready)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) => {
      clearTimeout(timer)
      fail(new Error(`${script} exited (${code}):\n${output}`))
    })
  }).catch(async (e: unknown) => {
    await stop()
    throw e
  })
  return { stop, output: () => output }
}
