/**
 * Split a command line into words as Python's `shlex.split` does in POSIX mode (botocore's `compat_shell_split` on
 * every platform but Windows): words are separated by spaces, tabs and line ends; `'…'` is literal; in `"…"` a
 * backslash escapes only `"` and `\` (otherwise it stays); outside quotes a backslash escapes any character; quoted
 * parts join the word around them; `''` is an empty word. Returns `undefined` where shlex raises (an unclosed quote,
 * a trailing backslash). No shell runs: `$VAR`, globs, `|` and `;` are plain characters.
 */
export function shellSplit(line: string): string[] | undefined {
  const words: string[] = []
  let word: string | undefined // undefined between words
  let quote = '' // the open quote, if any
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quote === "'") {
      if (c === "'") quote = ''
      else word = (word ?? '') + c
    } else if (quote === '"') {
      if (c === '"') quote = ''
      else if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word = (word ?? '') + line[++i]
      else word = (word ?? '') + c
    } else if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (word !== undefined) words.push(word)
      word = undefined
    } else if (c === "'" || c === '"') {
      quote = c
      word ??= ''
    } else if (c === '\\') {
      if (i + 1 >= line.length) return undefined
      word = (word ?? '') + line[++i]
    } else word = (word ?? '') + c
  }
  if (quote) return undefined
  if (word !== undefined) words.push(word)
  return words
}
