import { describe, expect, it } from 'vitest'
import { ShapeError, checkGrads, ctcLoss, ctcLossWithForwardProbs, ops, tensor } from '../../../src/index'

/** softmax of a row, in float64. */
const softmax = (z: number[]) => {
  const m = Math.max(...z)
  const e = z.map((v) => Math.exp(v - m))
  const s = e.reduce((a, b) => a + b, 0)
  return e.map((v) => v / s)
}

/** B(π): merge repeats, then drop blanks. */
const collapse = (pi: number[], blank: number) =>
  pi.filter((c, i) => i === 0 || c !== pi[i - 1]).filter((c) => c !== blank)

const sameSeq = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i])

/**
 * The forward variables by brute-force enumeration of every prefix π_{1:t} ∈ {0..K−1}^t (the definition in optax's
 * docstring): blank[t][n] = Σ_{π_t = ∅, B(π) = y_{1:n}} Π p, label[t][n] = Σ_{π_t ≠ ∅, B(π) = y_{1:n+1}} Π p.
 */
function bruteForceAlphas(logits: number[][], y: number[], blank = 0) {
  const K = logits[0]!.length
  const p = logits.map(softmax)
  const blankA: number[][] = []
  const labelA: number[][] = []
  for (let t = 1; t <= logits.length; t++) {
    const bl = new Array(y.length + 1).fill(0)
    const la = new Array(y.length).fill(0)
    for (let code = 0; code < K ** t; code++) {
      const pi = Array.from({ length: t }, (_, s) => Math.floor(code / K ** s) % K)
      const prob = pi.reduce((a, k, s) => a * p[s]![k]!, 1)
      const c = collapse(pi, blank)
      for (let n = 0; n <= y.length; n++) {
        if (pi[t - 1] === blank && sameSeq(c, y.slice(0, n))) bl[n] += prob
        if (n < y.length && pi[t - 1] !== blank && sameSeq(c, y.slice(0, n + 1))) la[n] += prob
      }
    }
    blankA.push(bl)
    labelA.push(la)
  }
  return { blankA, labelA }
}

const LOGITS = [
  [0.3, -1.2, 0.8],
  [1.1, 0.4, -0.5],
  [-0.7, 0.9, 0.2],
  [0.5, 0.1, -0.3],
]

/** Compares log α with the enumerated α: equal where reachable, about logEpsilon (≤ −1e4) where α = 0. */
function expectLogAlpha(got: number, want: number) {
  if (want === 0) expect(got).toBeLessThan(-1e4)
  else expect(got).toBeCloseTo(Math.log(want), 10)
}

describe('ctcLossWithForwardProbs (optax.ctc_loss_with_forward_probs)', () => {
  it.each([[[1, 2]], [[1, 1]], [[2, 1]]])(
    'forward probabilities match the enumeration of all alignment prefixes (labels %j)',
    (y) => {
      const T = LOGITS.length
      const [loss, blankA, labelA] = ctcLossWithForwardProbs(tensor([LOGITS], 'float64'), [[0, 0, 0, 0]], [y], [[0, 0]])
      expect(blankA.shape).toEqual([T, 1, 3])
      expect(labelA.shape).toEqual([T, 1, 2])
      const want = bruteForceAlphas(LOGITS, y)
      const gotB = blankA.toArray() as number[][][]
      const gotL = labelA.toArray() as number[][][]
      for (let t = 0; t < T; t++) {
        for (let n = 0; n < 2; n++) expectLogAlpha(gotL[t]![0]![n]!, want.labelA[t]![n]!)
        for (let n = 0; n <= 2; n++) {
          // The last frame's blank row holds every alignment of y_{1:n} (blank- or label-ended), as optax's last update.
          const w = t === T - 1 && n > 0 ? want.blankA[t]![n]! + want.labelA[t]![n - 1]! : want.blankA[t]![n]!
          expectLogAlpha(gotB[t]![0]![n]!, w)
        }
      }
      const total = want.blankA[T - 1]![2]! + want.labelA[T - 1]![1]!
      expect((loss.toArray() as number[])[0]).toBeCloseTo(-Math.log(total), 10)
    },
  )

  it('gives the same loss as ctcLoss, with padding and a batch', () => {
    const neg = LOGITS.map((r) => r.map((v) => -v))
    const logits = tensor([LOGITS, neg, LOGITS], 'float64')
    const fp = [
      [0, 0, 0, 0],
      [0, 1, 0, 1],
      [0, 0, 0, 0],
    ]
    const labels = [
      [1, 2],
      [2, 0],
      [1, 1],
    ]
    const lp = [
      [0, 0],
      [0, 1],
      [0, 0],
    ]
    const [loss, blankA, labelA] = ctcLossWithForwardProbs(logits, fp, labels, lp)
    const ref = ctcLoss(logits, fp, labels, lp).toArray() as number[]
    ;(loss.toArray() as number[]).forEach((v, b) => expect(v).toBeCloseTo(ref[b]!, 10))
    expect(blankA.shape).toEqual([4, 3, 3])
    expect(labelA.shape).toEqual([4, 3, 2])
    // A padded frame keeps the forward variables of the frame before it.
    const b = blankA.toArray() as number[][][]
    expect(b[1]![1]).toEqual(b[0]![1])
  })

  it('is differentiable in the logits (float64 finite differences)', () => {
    const f = (z: ReturnType<typeof tensor>) =>
      ops.sum(ctcLossWithForwardProbs(z, [[0, 0, 0, 0]], [[1, 2]], [[0, 0]], { blankId: 0 })[0])
    checkGrads(f, [tensor([LOGITS], 'float64')])
  })

  it('rejects wrong shapes and labels', () => {
    const z = tensor([LOGITS], 'float64')
    expect(() => ctcLossWithForwardProbs(tensor(LOGITS, 'float64'), [[0, 0, 0, 0]], [[1]], [[0]])).toThrow(ShapeError)
    expect(() => ctcLossWithForwardProbs(z, [[0, 0]], [[1]], [[0]])).toThrow(/logitPaddings/)
    expect(() => ctcLossWithForwardProbs(z, [[0, 0, 0, 0]], [[1, 2]], [[0]])).toThrow(/labelPaddings/)
    expect(() => ctcLossWithForwardProbs(z, [[0, 0, 0, 0]], [[3]], [[0]])).toThrow(/labels\[0, 0\]/)
    expect(() => ctcLossWithForwardProbs(z, [[0, 0, 0, 0]], [[1]], [[0]], { blankId: 3 })).toThrow(/blankId/)
  })
})
