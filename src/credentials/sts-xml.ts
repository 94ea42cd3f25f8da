import { credentialsError } from './io.js'

/** @internal An element of an STS answer: its name (prefix dropped), child elements and text. */
export interface XmlElement {
  readonly name: string
  readonly children: XmlElement[]
  text: string
}

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/
const ATTRIBUTES = /^(?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*(\/?)>/
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }

/** Replace the five predefined entities and character references; any other `&` is an error. */
function decodeText(raw: string, field: string): string {
  return raw.replace(/&([^;&<]{0,12});|&/g, (_all, ref?: string) => {
    if (ref === undefined) return credentialsError(field, 'the XML answer has a bare "&"')
    if (ENTITIES[ref]) return ENTITIES[ref]
    const code = /^#x[0-9a-fA-F]{1,6}$/.test(ref) ? Number.parseInt(ref.slice(2), 16) : /^#\d{1,7}$/.test(ref) ? Number(ref.slice(1)) : Number.NaN
    if (!(code >= 1 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) credentialsError(field, 'the XML answer has an unknown entity')
    return String.fromCodePoint(code)
  })
}

/**
 * @internal Parse the plain XML STS answers with: elements, attributes (ignored), text; no DOCTYPE, comment, CDATA
 * or processing instruction after the prolog. Strict: mismatched or unclosed tags and text outside the root are
 * errors naming `field`. The input is capped by the caller (64 KB), and nesting at 32.
 */
export function parseXml(xml: string, field: string): XmlElement {
  const bad = (what: string): never => credentialsError(field, `the answer is not the XML STS sends (${what})`)
  let at = xml.charCodeAt(0) === 0xfeff ? 1 : 0
  const prolog = /^\s*<\?xml\s[^?]*\?>/.exec(xml.slice(at, at + 200))
  if (prolog) at += prolog[0].length
  const stack: XmlElement[] = []
  let root: XmlElement | undefined
  while (at < xml.length) {
    const lt = xml.indexOf('<', at)
    const chunk = xml.slice(at, lt < 0 ? xml.length : lt)
    if (stack.length) stack[stack.length - 1]!.text += decodeText(chunk, field)
    else if (chunk.trim() !== '') bad('text outside the root element')
    if (lt < 0) break
    if (xml[lt + 1] === '/') {
      const gt = xml.indexOf('>', lt)
      const name = xml.slice(lt + 2, gt < 0 ? lt + 2 : gt).trim()
      const open = stack.pop()
      if (gt < 0 || !open || localName(name) !== open.name) bad('a mismatched closing tag')
      at = gt + 1
      continue
    }
    const name = NAME.exec(xml.slice(lt + 1, lt + 101))?.[0]
    if (!name) bad('a comment, DOCTYPE, CDATA section or malformed tag')
    const attrs = ATTRIBUTES.exec(xml.slice(lt + 1 + name!.length, lt + 1 + name!.length + 1000))
    if (!attrs) bad('a malformed tag')
    const element: XmlElement = { name: localName(name!), children: [], text: '' }
    if (stack.length) stack[stack.length - 1]!.children.push(element)
    else if (root) bad('two root elements')
    else root = element
    if (!attrs![1]) stack.push(element)
    if (stack.length > 32) bad('nesting deeper than 32')
    at = lt + 1 + name!.length + attrs![0].length
  }
  if (!root || stack.length) bad(root ? 'an unclosed element' : 'no root element')
  return root!
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1)

/** @internal The one child `name` of `node`; a typed error when absent or repeated. */
export function child(node: XmlElement, name: string, field: string): XmlElement {
  const found = node.children.filter((c) => c.name === name)
  if (found.length !== 1) credentialsError(field, `the answer has ${found.length === 0 ? 'no' : found.length} <${name}> in <${node.name}>`)
  return found[0]!
}

/** @internal The text of the one leaf child `name` of `node`, trimmed; a typed error when absent, empty or not a leaf. */
export function leaf(node: XmlElement, name: string, field: string): string {
  const el = child(node, name, field)
  const text = el.text.trim()
  if (el.children.length || text === '') credentialsError(field, `the answer's <${name}> is empty or not text`)
  return text
}
