import { describe, expect, it } from 'vitest'
import { lossCurveSvg } from '../../src/index'
import type { EpochRecord, History } from '../../src/index'

// A tiny well-formedness checker and parser for the subset of XML an SVG document uses: a declaration, elements,
// quoted attributes, text and the five predefined entities plus character references. It throws on anything else
// (an unescaped '<' or '&', an unbalanced tag, a duplicate attribute, text after the root element).
interface Element {
  readonly name: string
  readonly attrs: Readonly<Record<string, string>>
  readonly children: Element[]
  text: string
}
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
function decode(s: string, where: string): string {
  if (/<|&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);)/.test(s))
    throw new Error(`bad character in ${where}: ${s}`)
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (_, e: string) =>
    e[0] === '#' ? String.fromCodePoint(Number(e[1] === 'x' ? `0${e.slice(1)}` : e.slice(1))) : ENTITIES[e]!,
  )
}
function parseXml(doc: string): Element {
  let i = 0
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\s*/.exec(doc)
  if (decl) i = decl[0].length
  const name = /[A-Za-z_][\w.:-]*/y
  const stack: Element[] = []
  let root: Element | null = null
  while (i < doc.length) {
    if (doc[i] !== '<') {
      const j = doc.indexOf('<', i)
      const text = doc.slice(i, j === -1 ? doc.length : j)
      if (stack.length === 0) {
        if (text.trim() !== '') throw new Error(`text outside the root: ${text}`)
      } else stack[stack.length - 1]!.text += decode(text, 'text')
      i = j === -1 ? doc.length : j
      continue
    }
    if (doc[i + 1] === '/') {
      name.lastIndex = i + 2
      const m = name.exec(doc)
      const top = stack.pop()
      if (!m || top === undefined || top.name !== m[0] || doc[i + 2 + m[0].length] !== '>') {
        throw new Error(`unbalanced </${m?.[0]}> at ${i}`)
      }
      i += 3 + m[0].length
      continue
    }
    name.lastIndex = i + 1
    const m = name.exec(doc)
    if (!m) throw new Error(`bad tag at ${i}: ${doc.slice(i, i + 20)}`)
    if (root !== null && stack.length === 0) throw new Error('a second root element')
    i += 1 + m[0].length
    const attrs: Record<string, string> = {}
    const attr = /\s+([A-Za-z_][\w.:-]*)="([^"]*)"/y
    for (;;) {
      attr.lastIndex = i
      const a = attr.exec(doc)
      if (!a) break
      if (a[1]! in attrs) throw new Error(`duplicate attribute ${a[1]}`)
      attrs[a[1]!] = decode(a[2]!, `attribute ${a[1]}`)
      i = attr.lastIndex
    }
    const el: Element = { name: m[0], attrs, children: [], text: '' }
    if (stack.length > 0) stack[stack.length - 1]!.children.push(el)
    else root = el
    if (doc.startsWith('/>', i)) i += 2
    else if (doc[i] === '>') {
      i += 1
      stack.push(el)
    } else throw new Error(`bad tag end at ${i}: ${doc.slice(i, i + 20)}`)
  }
  if (stack.length > 0 || root === null) throw new Error('unclosed elements')
  return root
}
const all = (el: Element, name: string): Element[] => [
  ...(el.name === name ? [el] : []),
  ...el.children.flatMap((c) => all(c, name)),
]
const points = (el: Element): [number, number][] =>
  el.attrs.points!.split(' ').map((p) => p.split(',').map(Number) as [number, number])
const texts = (root: Element): string[] => all(root, 'text').map((t) => t.text)

const history = (losses: readonly number[], epochs: readonly EpochRecord[] = []): History => ({
  steps: losses.map((loss, step) => ({ step, epoch: 0, loss, gradNorm: 0, updateNorm: 0, paramNorm: 0 })),
  epochs,
})

// The documented transform with the default 640 × 400 document: plot box [L, R] × [T, B] = [64, 624] × [36, 352].
const L = 64
const R = 624
const T = 36
const B = 352

describe('the checker', () => {
  it('rejects what is not well-formed XML', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow()
    expect(() => parseXml('<a>x < y</a>')).toThrow()
    expect(() => parseXml('<a t="&foo;"/>')).toThrow()
    expect(() => parseXml('<a/><b/>')).toThrow()
    expect(parseXml('<a t="1 &amp; 2"><b/>x&lt;y</a>')).toMatchObject({ attrs: { t: '1 & 2' }, text: 'x<y' })
  })
})

describe('lossCurveSvg', () => {
  it('is a standalone SVG document: xmlns, size, viewBox, no scripts or external references', () => {
    const svg = lossCurveSvg(history([4, 2, 1]), { width: 500, height: 300 })
    const root = parseXml(svg)
    expect(root.name).toBe('svg')
    expect(root.attrs).toMatchObject({
      xmlns: 'http://www.w3.org/2000/svg',
      width: '500',
      height: '300',
      viewBox: '0 0 500 300',
    })
    expect(svg).not.toMatch(/<script|href|url\(|<foreignObject|\bon[a-z]+=/i)
  })

  it('maps a 3-point history by the documented affine transform', () => {
    // steps 0, 1, 2 span [L, R]: X = 64, 344, 624. Losses 4, 2, 1 span [1, 4]: Y(v) = B − (v − 1)/3·(B − T),
    // so Y(4) = 36, Y(2) = 352 − 316/3 = 246.67, Y(1) = 352.
    const root = parseXml(lossCurveSvg(history([4, 2, 1])))
    const lines = all(root, 'polyline')
    expect(lines).toHaveLength(1)
    expect(points(lines[0]!)).toEqual([
      [64, 36],
      [344, 246.67],
      [624, 352],
    ])
  })

  it('plots eval metrics at their epoch step, sharing the axes with the train curve', () => {
    // Train steps 0..2, eval at step 3 (end of the epoch) and step 1: x-range [0, 3], y-range [1, 5].
    // X(s) = 64 + s/3·560, Y(v) = 352 − (v − 1)/4·316.
    const epochs = [
      { epoch: 0, step: 1, trainLoss: 3, eval: { loss: 5 } },
      { epoch: 1, step: 3, trainLoss: 1.5, eval: { loss: 3, acc: 2 } },
    ]
    const root = parseXml(lossCurveSvg(history([4, 2, 1], epochs)))
    const [train, evalLoss, acc] = all(root, 'polyline')
    expect(points(train!)).toEqual([
      [64, 115],
      [250.67, 273],
      [437.33, 352],
    ])
    expect(points(evalLoss!)).toEqual([
      [250.67, 36],
      [624, 194],
    ])
    expect(acc).toBeUndefined() // one acc point: a dot, not a line
    const dots = all(root, 'circle').map((c) => [Number(c.attrs.cx), Number(c.attrs.cy)])
    expect(dots).toContainEqual([624, 273])
    expect(texts(root)).toEqual(expect.arrayContaining(['train loss', 'eval loss', 'eval acc']))
  })

  it('on the log scale, maps each decade to the same distance', () => {
    // log10 of 1, 10, 100, 1000 is 0..3: Y = 352 − k/3·316 for k = 0..3, a step of 316/3 = 105.33 per decade.
    const root = parseXml(lossCurveSvg(history([1000, 100, 10, 1]), { logScale: true }))
    const ys = points(all(root, 'polyline')[0]!).map((p) => p[1])
    expect(ys).toEqual([36, 141.33, 246.67, 352])
    // Ticks at the powers of ten.
    expect(texts(root)).toEqual(expect.arrayContaining(['1', '10', '100', '1000']))
  })

  it('leaves out values ≤ 0 on the log scale, with a note', () => {
    const svg = lossCurveSvg(history([10, 0, -1, 1, 0.1]), { logScale: true })
    const root = parseXml(svg)
    // Runs: [10] (a dot), then [1, 0.1] at steps 3, 4 with t ∈ [−1, 1]: Y(1) = 194, Y(0.1) = 352.
    expect(points(all(root, 'polyline')[0]!)).toEqual([
      [484, 194],
      [624, 352],
    ])
    expect(texts(root).join(' ')).toContain('2 values ≤ 0 not shown on the log scale')
  })

  it('never writes NaN or Infinity: non-finite values break the line and are counted', () => {
    const svg = lossCurveSvg(history([4, 3, NaN, 2, 1, Infinity, -Infinity]), { smoothing: 0.5 })
    expect(svg).not.toMatch(/NaN|Infinity/)
    const root = parseXml(svg)
    expect(texts(root).join(' ')).toContain('3 non-finite values not shown')
    const raw = all(root, 'polyline').filter((p) => p.attrs['stroke-opacity'] === '0.3')
    expect(raw.map((p) => points(p).length)).toEqual([2, 2])
  })

  it('draws the bias-corrected EMA with smoothing', () => {
    // β = 0.5 over 4, 2, 1: a = 2, 2, 1.5 and ŝ = 2/0.5, 2/0.75, 1.5/0.875 = 4, 2.6667, 1.7143.
    // y-range [1, 4]: Y(ŝ) = 352 − (ŝ − 1)/3·316 = 36, 176.44, 276.76.
    const root = parseXml(lossCurveSvg(history([4, 2, 1]), { smoothing: 0.5 }))
    const solid = all(root, 'polyline').filter((p) => p.attrs['stroke-opacity'] === undefined)
    expect(points(solid[0]!).map((p) => p[1])).toEqual([36, 176.44, 276.76])
    expect(texts(root)).toContain('train loss (EMA β=0.5)')
  })

  it('handles an empty history, an all-NaN one and a single point', () => {
    for (const h of [{ steps: [], epochs: [] }, history([NaN, NaN])]) {
      const root = parseXml(lossCurveSvg(h))
      expect(all(root, 'polyline')).toHaveLength(0)
      expect(texts(root)).toContain('no data to plot')
    }
    // One point: the ranges widen to [s − 1, s + 1] and [v − v/10, v + v/10], so it sits in the middle.
    const root = parseXml(
      lossCurveSvg({ steps: [{ step: 5, epoch: 0, loss: 3, gradNorm: 0, updateNorm: 0, paramNorm: 0 }], epochs: [] }),
    )
    const c = all(root, 'circle')[0]!
    expect([Number(c.attrs.cx), Number(c.attrs.cy)]).toEqual([(L + R) / 2, (T + B) / 2])
  })

  it('escapes metric names and the title for XML', () => {
    const name = `a<b&"c'd]]>`
    const svg = lossCurveSvg(history([2, 1], [{ epoch: 0, step: 2, trainLoss: 1, eval: { [name]: 1 } }]), {
      title: '<script>alert(1)</script>',
    })
    expect(svg).not.toContain('<b')
    expect(svg).not.toContain('<script')
    const root = parseXml(svg)
    expect(texts(root)).toContain(`eval ${name}`)
    expect(texts(root)).toContain('<script>alert(1)</script>')
  })

  it('replaces characters XML forbids', () => {
    const root = parseXml(lossCurveSvg(history([1, 2]), { title: 'a\u0001b\ud800' }))
    expect(texts(root)).toContain('a\ufffdb\ufffd')
  })

  it('draws only the chosen eval metrics', () => {
    const epochs = [{ epoch: 0, step: 2, trainLoss: 1, eval: { loss: 1, acc: 0.5 } }]
    const root = parseXml(lossCurveSvg(history([2, 1], epochs), { evalMetrics: ['acc'] }))
    expect(texts(root)).toContain('eval acc')
    expect(texts(root)).not.toContain('eval loss')
  })

  it('rejects invalid options', () => {
    expect(() => lossCurveSvg(history([1]), { width: 10 })).toThrow(RangeError)
    expect(() => lossCurveSvg(history([1]), { height: NaN })).toThrow(RangeError)
    expect(() => lossCurveSvg(history([1]), { smoothing: 1 })).toThrow(/smoothing/)
  })
})
