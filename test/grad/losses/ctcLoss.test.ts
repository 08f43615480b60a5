import { describe, expect, it } from 'vitest'
import { type Tensor, ShapeError, checkGrads, ctcLoss, ops, tensor } from '../../../src/index'

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

/** −log Σ over every alignment π ∈ {0..K−1}^T with B(π) = y of Π_t p_t(π_t), by brute-force enumeration. */
function bruteForce(logits: number[][], y: number[], blank = 0): number {
  const T = logits.length
  const K = logits[0]!.length
  const p = logits.map(softmax)
  let total = 0
  for (let code = 0; code < K ** T; code++) {
    const pi = Array.from({ length: T }, (_, t) => Math.floor(code / K ** t) % K)
    const c = collapse(pi, blank)
    if (c.length === y.length && c.every((v, i) => v === y[i])) total += pi.reduce((a, k, t) => a * p[t]![k]!, 1)
  }
  return -Math.log(total)
}

const LOGITS = [
  [0.3, -1.2, 0.8],
  [1.1, 0.4, -0.5],
  [-0.7, 0.9, 0.2],
]

describe('ctcLoss', () => {
  it('matches the sum over all alignments, enumerated (3 frames, 3 classes, labels [1, 2])', () => {
    // Alignments of [1, 2] in 3 frames: 012, 102, 120, 112, 122 (blank = 0).
    const p = LOGITS.map(softmax)
    const byHand =
      p[0]![0]! * p[1]![1]! * p[2]![2]! +
      p[0]![1]! * p[1]![0]! * p[2]![2]! +
      p[0]![1]! * p[1]![2]! * p[2]![0]! +
      p[0]![1]! * p[1]![1]! * p[2]![2]! +
      p[0]![1]! * p[1]![2]! * p[2]![2]!
    expect(bruteForce(LOGITS, [1, 2])).toBeCloseTo(-Math.log(byHand), 14)
    const loss = ctcLoss(tensor([LOGITS], 'float64'), [[0, 0, 0]], [[1, 2]], [[0, 0]])
    expect(loss.shape).toEqual([1])
    expect((loss.toArray() as number[])[0]).toBeCloseTo(-Math.log(byHand), 12)
  })

  it('handles repeated labels (a blank is needed between them), padding and a batch', () => {
    // [1, 1] in 3 frames: only 1∅1. Frame padding: the padded frame is skipped. Label padding: [2, pad] = [2].
    const logits = tensor([LOGITS, LOGITS, LOGITS], 'float64')
    const loss = ctcLoss(
      logits,
      [
        [0, 0, 0],
        [0, 1, 0],
        [0, 0, 0],
      ],
      [
        [1, 1],
        [1, 2],
        [2, 1],
      ],
      [
        [0, 0],
        [0, 0],
        [0, 1],
      ],
    ).toArray() as number[]
    const p = LOGITS.map(softmax)
    expect(loss[0]).toBeCloseTo(-Math.log(p[0]![1]! * p[1]![0]! * p[2]![1]!), 12)
    expect(loss[0]).toBeCloseTo(bruteForce(LOGITS, [1, 1]), 12)
    expect(loss[1]).toBeCloseTo(bruteForce([LOGITS[0]!, LOGITS[2]!], [1, 2]), 12)
    expect(loss[2]).toBeCloseTo(bruteForce(LOGITS, [2]), 12)
  })

  it('uses blankId and gives about −logEpsilon for an impossible label sequence', () => {
    const swapped = LOGITS.map(([a, b, c]) => [c!, b!, a!])
    const loss = ctcLoss(tensor([swapped], 'float64'), [[0, 0, 0]], [[1, 0]], [[0, 0]], { blankId: 2 })
    expect((loss.toArray() as number[])[0]).toBeCloseTo(bruteForce(swapped, [1, 0], 2), 12)
    // [1, 1, 1] needs 5 frames; 3 are not enough.
    const impossible = ctcLoss(tensor([LOGITS], 'float64'), [[0, 0, 0]], [[1, 1, 1]], [[0, 0, 0]]).toArray() as number[]
    const impossible0 = impossible[0]!
    expect(impossible0).toBeGreaterThan(5e4)
    expect(Number.isFinite(impossible0)).toBe(true)
  })

  it('has the gradient of its value (finite differences, float64)', () => {
    const f = (z: Tensor) =>
      ops.sum(
        ctcLoss(
          z,
          [
            [0, 0, 0],
            [0, 0, 1],
          ],
          [
            [1, 2],
            [2, 2],
          ],
          [
            [0, 0],
            [0, 1],
          ],
        ),
      )
    checkGrads(f, [tensor([LOGITS, LOGITS.map((r) => r.map((v) => -v))], 'float64')])
  })

  it('rejects wrong shapes and labels', () => {
    const z = tensor([LOGITS], 'float64')
    expect(() => ctcLoss(tensor(LOGITS, 'float64'), [[0, 0, 0]], [[1]], [[0]])).toThrow(ShapeError)
    expect(() => ctcLoss(z, [[0, 0]], [[1]], [[0]])).toThrow(/logitPaddings/)
    expect(() => ctcLoss(z, [[0, 0, 0]], [[1, 2]], [[0]])).toThrow(/labelPaddings/)
    expect(() => ctcLoss(z, [[0, 0, 0]], [[3]], [[0]])).toThrow(/labels\[0, 0\]/)
    expect(() => ctcLoss(z, [[0, 0, 0]], [[0]], [[0]])).toThrow(/other than blank/)
    expect(() => ctcLoss(z, [[0, 0, 0]], [[1]], [[0]], { blankId: 3 })).toThrow(/blankId/)
  })
})
