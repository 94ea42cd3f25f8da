/**
 * The docs hold together: every relative link in the README, CONTRIBUTING.md, CHANGELOG.md and docs/ names a file
 * that exists and, with a `#fragment`, a heading of that file (GitHub's anchors: lower case, punctuation dropped,
 * spaces as `-`, `-1`, `-2`… for repeats); and the README stays short enough to read in five minutes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { describe, expect, test } from 'vitest'
import { projectRoot } from './helpers/suite.js'

const files = ['README.md', 'CONTRIBUTING.md', 'CHANGELOG.md', ...readdirSync(join(projectRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]
const text = (file: string): string => readFileSync(join(projectRoot, file), 'utf8')
/** Markdown without its fenced code blocks (a `[x](y)` in code is no link). */
const prose = (md: string): string => md.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '')

/** GitHub's anchor of a heading (the headings here hold no HTML; `<string>` in a code span is text). */
function slug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** Every anchor of a Markdown file: its headings' slugs, repeats numbered as GitHub numbers them. */
function anchors(md: string): Set<string> {
  const seen = new Map<string, number>()
  const out = new Set<string>()
  for (const m of prose(md).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(m[1]!.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1'))
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    out.add(n === 0 ? base : `${base}-${n}`)
  }
  return out
}

/** The relative links of a file: `[text](target)` outside code, without URLs with a scheme. */
function links(md: string): string[] {
  return [...prose(md).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t))
}

describe('docs links', () => {
  test('GitHub anchors: punctuation dropped, spaces as -, repeats numbered', () => {
    expect(slug('`presign(request, options): Promise<string>`')).toBe('presignrequest-options-promisestring')
    expect(slug('Why 403?')).toBe('why-403')
    expect([...anchors('# A\n## A\n```\n# not a heading\n```\n## [B](x.md) c\n')]).toEqual(['a', 'a-1', 'b-c'])
  })

  for (const file of files) {
    test(`${file}: every relative link resolves, with its #fragment`, () => {
      const broken: string[] = []
      for (const target of links(text(file))) {
        const [path, fragment] = target.split('#') as [string, string | undefined]
        const resolved = path === '' ? file : relative(projectRoot, join(projectRoot, dirname(file), decodeURI(path)))
        if (!existsSync(join(projectRoot, resolved))) broken.push(`${target} (no file ${resolved})`)
        else if (fragment !== undefined && resolved.endsWith('.md') && !anchors(text(resolved)).has(fragment)) broken.push(`${target} (no heading #${fragment} in ${resolved})`)
      }
      expect(broken).toEqual([])
    })
  }

  test('the README reads in five minutes: at most 300 lines', () => {
    expect(text('README.md').split('\n').length).toBeLessThanOrEqual(301) // 300 lines and the final newline
  })
})
