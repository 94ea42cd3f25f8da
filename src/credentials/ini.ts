/**
 * The AWS shared `config` and `credentials` files as botocore reads them. A small parser with no Node built-in; the
 * CLI reads the files with it too.
 */

/** A parsed INI file: each section's keys (lower-cased) with the lines of their values; `[DEFAULT]`'s keys apart. */
export interface Ini {
  /** Sections by name (the case is kept), in file order. */
  readonly sections: Map<string, Map<string, string[]>>
  /** The keys of `[DEFAULT]`, which every other section inherits. */
  readonly defaults: Map<string, string[]>
}

/** A profile, a `[sso-session]` or a `[services]` section: keys lower-cased, nested sub-keys as `parent.sub`. */
export type IniSection = ReadonlyMap<string, string>

/**
 * Parse INI text as Python's `configparser.RawConfigParser` does, followed by botocore's nested blocks.
 *
 * `#`/`;` full-line comments only (a `;` after a value is part of it); `[section]` (the name lies between the first
 * `[` and the last `]`, trimmed, its case kept); `key = value` or `key: value`, split at the first `=` or `:`, trimmed,
 * the key lower-cased; a line indented deeper than its key continues the value (joined with "\n"); `[DEFAULT]` gives
 * its keys to every section. Where configparser rejects the whole file (a line with neither `=` nor `:`, a key before
 * any section, a repeated section) this parser is lenient: such lines are ignored, a repeated section is merged and a
 * repeated key's last value wins. Linear time: no regular expression.
 */
export function parseIni(text: string): Ini {
  const sections = new Map<string, Map<string, string[]>>()
  const defaults = new Map<string, string[]>()
  let current: Map<string, string[]> | undefined
  let value: string[] | undefined // the lines of the last key's value, while a deeper-indented line may continue it
  let indent = 0
  let blanks = 0 // blank lines since the last line of `value`, kept if a continuation line follows
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    const line = text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end)
    start = end + 1
    const stripped = line.trim()
    if (stripped === '') {
      blanks++
      continue
    }
    const c = stripped.charCodeAt(0)
    if (c === 35 /* # */ || c === 59 /* ; */) continue
    const lineIndent = line.length - line.trimStart().length
    if (value && lineIndent > indent) {
      if (blanks > 0) value.push('\n'.repeat(blanks - 1))
      value.push(stripped)
      blanks = 0
      continue
    }
    const close = c === 91 /* [ */ ? stripped.lastIndexOf(']') : -1
    if (close > 1) {
      const name = stripped.slice(1, close).trim()
      current = name === 'DEFAULT' ? defaults : (sections.get(name) ?? new Map<string, string[]>())
      if (current !== defaults) sections.set(name, current)
      value = undefined
      continue
    }
    const at = keyEnd(stripped)
    const key = at < 0 ? '' : stripped.slice(0, at).trimEnd().toLowerCase()
    if (!current || key === '') continue
    value = [stripped.slice(at + 1).trimStart()]
    current.set(key, value)
    indent = lineIndent
    blanks = 0
  }
  return { sections, defaults }
}

/** The index of the first `=` or `:` of a line, or -1. */
function keyEnd(line: string): number {
  const eq = line.indexOf('=')
  const colon = line.indexOf(':')
  return eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon)
}

/**
 * One section with `[DEFAULT]`'s keys under its own, flattened: a key whose value is empty and continued by
 * `sub = value` lines (botocore's `s3 =` blocks) holds sub-keys, stored as `key.sub`. `undefined` when absent.
 */
export function iniSection(ini: Ini | undefined, name: string): Map<string, string> | undefined {
  const own = ini?.sections.get(name)
  if (!ini || !own) return undefined
  const flat = new Map<string, string>()
  const add = (key: string, lines: string[]) => {
    if (lines.length === 1 || lines[0] !== '') {
      flat.set(key, lines.join('\n'))
      return
    }
    flat.set(key, '')
    for (const sub of lines) {
      const eq = sub.indexOf('=')
      if (eq >= 0) flat.set(`${key}.${sub.slice(0, eq).trimEnd()}`, sub.slice(eq + 1).trimStart())
    }
  }
  for (const [key, lines] of ini.defaults) if (!own.has(key)) add(key, lines)
  for (const [key, lines] of own) add(key, lines)
  return flat
}

/**
 * Sections by name, each flattened (and merged) on first use only: a file of many sections costs nothing until one of
 * them is read, and `[DEFAULT]` is never copied into sections nobody asks for.
 */
export interface Sections {
  /** The section, or `undefined` when absent. */
  get(name: string): IniSection | undefined
  /** Whether the section exists. */
  has(name: string): boolean
  /** Every section name. */
  keys(): IterableIterator<string>
}

/** Sections whose content is the merge of named sections of one or more files, later ones overriding. */
class MergedSections implements Sections {
  readonly #sources = new Map<string, Array<[Ini, string]>>()
  readonly #done = new Map<string, IniSection>()

  /** A later section of the same file replaces an earlier one (`[default]` and `[profile default]`); another file's merges over it. */
  add(name: string, ini: Ini, raw: string): void {
    const list = this.#sources.get(name)
    if (!list) this.#sources.set(name, [[ini, raw]])
    else if (list.at(-1)![0] === ini) list[list.length - 1] = [ini, raw]
    else list.push([ini, raw])
  }

  get(name: string): IniSection | undefined {
    const done = this.#done.get(name)
    if (done) return done
    const list = this.#sources.get(name)
    if (!list) return undefined
    const merged = new Map<string, string>()
    for (const [ini, raw] of list) for (const [k, v] of iniSection(ini, raw)!) merged.set(k, v)
    this.#done.set(name, merged)
    return merged
  }

  has(name: string): boolean {
    return this.#sources.has(name)
  }

  keys(): IterableIterator<string> {
    return this.#sources.keys()
  }
}

/** The profiles, SSO sessions and services sections of the shared files, merged as botocore's `full_config`. */
export interface SharedConfig {
  /** Profiles of the config file (`[default]`, `[profile NAME]`), with the credentials file's keys over them. */
  readonly profiles: Sections
  /** The credentials file's sections as they are (botocore's `SharedCredentialProvider` reads only these). */
  readonly credentialsFile: Sections
  /** The config file's profiles alone (botocore's `ConfigProvider` reads only these). */
  readonly configFile: Sections
  /** `[sso-session NAME]` sections. */
  readonly ssoSessions: Sections
  /** `[services NAME]` sections. */
  readonly services: Sections
}

/**
 * The second word of a `[profile NAME]`-style header, as botocore's `shlex.split(key)` with exactly two parts gives it;
 * `undefined` otherwise (then botocore ignores the section).
 */
function sectionSuffix(header: string, split: (s: string) => string[] | undefined): string | undefined {
  const parts = split(header)
  return parts?.length === 2 ? parts[1] : undefined
}

/**
 * Merge the two files as botocore does: in the config file `[default]` and `[profile NAME]` (any section whose name
 * starts with `profile`, split shell-like into two words) are profiles, `[sso-session NAME]` and `[services NAME]`
 * are sections of their own, anything else is ignored; every section of the credentials file is a profile whose keys
 * override the config file's.
 */
export function sharedConfig(config: Ini | undefined, credentials: Ini | undefined, split: (s: string) => string[] | undefined): SharedConfig {
  const configFile = new MergedSections()
  const ssoSessions = new MergedSections()
  const services = new MergedSections()
  const profiles = new MergedSections()
  for (const name of config?.sections.keys() ?? []) {
    const target = name.startsWith('profile') ? configFile : name.startsWith('sso-session') ? ssoSessions : name.startsWith('services') ? services : undefined
    const suffix = name === 'default' ? 'default' : target && sectionSuffix(name, split)
    if (suffix === undefined) continue
    ;(target ?? configFile).add(suffix, config!, name)
    if (target === configFile || name === 'default') profiles.add(suffix, config!, name)
  }
  const credentialsFile = new MergedSections()
  for (const name of credentials?.sections.keys() ?? []) {
    credentialsFile.add(name, credentials!, name)
    profiles.add(name, credentials!, name)
  }
  return { profiles, credentialsFile, configFile, ssoSessions, services }
}
