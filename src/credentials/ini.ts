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

/** The profiles, SSO sessions and services sections of the shared files, merged as botocore's `full_config`. */
export interface SharedConfig {
  /** Profiles of the config file (`[default]`, `[profile NAME]`), with the credentials file's keys over them. */
  readonly profiles: ReadonlyMap<string, IniSection>
  /** The credentials file's sections as they are (botocore's `SharedCredentialProvider` reads only these). */
  readonly credentialsFile: ReadonlyMap<string, IniSection>
  /** The config file's profiles alone (botocore's `ConfigProvider` reads only these). */
  readonly configFile: ReadonlyMap<string, IniSection>
  /** `[sso-session NAME]` sections. */
  readonly ssoSessions: ReadonlyMap<string, IniSection>
  /** `[services NAME]` sections. */
  readonly services: ReadonlyMap<string, IniSection>
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
  const configFile = new Map<string, IniSection>()
  const ssoSessions = new Map<string, IniSection>()
  const services = new Map<string, IniSection>()
  for (const name of config?.sections.keys() ?? []) {
    const section = iniSection(config, name)!
    const target = name.startsWith('profile') ? configFile : name.startsWith('sso-session') ? ssoSessions : name.startsWith('services') ? services : undefined
    if (name === 'default') configFile.set('default', section)
    const suffix = target && sectionSuffix(name, split)
    if (target && suffix !== undefined) target.set(suffix, section)
  }
  const credentialsFile = new Map<string, IniSection>()
  for (const name of credentials?.sections.keys() ?? []) credentialsFile.set(name, iniSection(credentials, name)!)
  const profiles = new Map<string, IniSection>(configFile)
  for (const [name, section] of credentialsFile) profiles.set(name, new Map([...(profiles.get(name) ?? []), ...section]))
  return { profiles, credentialsFile, configFile, ssoSessions, services }
}
