// The losses added for optax parity (issue 11): values against float64 references written from the closed forms,
// gradients against central finite differences (checkGrads), and hand-worked cases.
import { describe, expect, it } from 'vitest'
import {
  type Tensor,
  binaryDiceLoss,
  checkGrads,
  convexKlDivergence,
  cosineDistance,
  cosineSimilarity,
  diceLoss,
  generalizedKlDivergence,
  grad,
  hingeLoss,
  klDivergence,
  klDivergenceWithLogTargets,
  makeFenchelYoungLoss,
  multiclassGeneralizedDiceLoss,
  multiclassHingeLoss,
  multiclassPerceptronLoss,
  multiclassSparsemaxLoss,
  ntxent,
  ops,
  perceptronLoss,
  polyLossCrossEntropy,
  rankingSoftmaxLoss,
  safeSoftmaxCrossEntropy,
  sigmoidFocalLoss,
  smoothLabels,
  softmaxCrossEntropy,
  sparsemaxLoss,
  tensor,
  tripletMarginLoss,
} from '../../../src/index'
import { expectInputsUnchanged } from '../../_helpers/assertions'
import { randTensor, rng, vals } from '../_numeric'

const B = 3
const K = 4
const rows = (t: Tensor): number[][] => t.toArray() as number[][]
const logSumExp = (r: readonly number[]) => {
  const m = Math.max(...r)
  return m + Math.log(r.reduce((s, v) => s + Math.exp(v - m), 0))
}
const softmaxRow = (r: readonly number[]) => r.map((v) => Math.exp(v - logSumExp(r)))
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x))
const expectClose = (got: Tensor, want: readonly number[], digits = 12) => {
  expect(got.size).toBe(want.length)
  vals(got).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, digits))
}
/** Simplex projection by bisection (independent of the sort-based code). */
const sparsemaxRow = (r: readonly number[]) => {
  let [lo, hi] = [Math.min(...r) - 1, Math.max(...r)]
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2
    if (r.reduce((s, v) => s + Math.max(v - mid, 0), 0) > 1) lo = mid
    else hi = mid
  }
  return r.map((v) => Math.max(v - (lo + hi) / 2, 0))
}

const r = rng(1101)
const scores = randTensor(r, [B, K], -2, 2)
const probs = tensor(
  rows(randTensor(r, [B, K], 0.1, 1)).map((row) => row.map((v) => v / row.reduce((a, b) => a + b, 0))),
  'float64',
)
const labels = [2, 0, 3]
const signs = tensor([1, -1, 1, -1, 1, -1, -1, 1, 1, -1, 1, 1], [B, K], 'float64')

describe('KL divergences', () => {
  const logP = tensor(
    rows(scores).map((row) => row.map((v) => v - logSumExp(row))),
    'float64',
  )
  it('klDivergence and klDivergenceWithLogTargets: Σ t·(log t − log p), 0·log 0 = 0', () => {
    const t = tensor([[0.5, 0.5, 0, 0], ...rows(probs).slice(1)], 'float64')
    const want = rows(t).map((row, b) =>
      row.reduce((s, ti, k) => s + (ti === 0 ? 0 : ti * (Math.log(ti) - rows(logP)[b]![k]!)), 0),
    )
    expectClose(klDivergence(logP, t), want)
    expectClose(
      klDivergenceWithLogTargets(logP, ops.log(probs)),
      rows(probs).map((row, b) => row.reduce((s, ti, k) => s + ti * (Math.log(ti) - rows(logP)[b]![k]!), 0)),
    )
    // no NaN in the gradient with respect to the targets where a target is 0
    const g = grad((tt: Tensor) => ops.sum(klDivergence(logP, tt)))(t)
    expect(vals(g).every(Number.isFinite)).toBe(true)
    checkGrads((lp: Tensor) => ops.sum(klDivergence(lp, t)), [logP])
    checkGrads((lt: Tensor) => ops.sum(klDivergenceWithLogTargets(logP, lt)), [ops.log(probs)])
  })

  it('generalizedKlDivergence = KL + Σ(p − t), ≥ 0 for unnormalised measures; convexKlDivergence is it', () => {
    const t = randTensor(r, [B, K], 0.1, 3)
    const lp = randTensor(r, [B, K], -1, 1)
    const want = rows(t).map((row, b) =>
      row.reduce((s, ti, k) => {
        const l = rows(lp)[b]![k]!
        return s + ti * (Math.log(ti) - l) + Math.exp(l) - ti
      }, 0),
    )
    expectClose(generalizedKlDivergence(lp, t), want)
    expect(want.every((v) => v >= 0)).toBe(true)
    expect(convexKlDivergence).toBe(generalizedKlDivergence)
    checkGrads((x: Tensor) => ops.sum(generalizedKlDivergence(x, t)), [lp])
  })
})

describe('cosine losses', () => {
  it('cosineSimilarity / cosineDistance against ⟨a, b⟩/(‖a‖‖b‖), and ε keeps a zero vector at 0', () => {
    const a = randTensor(r, [B, K])
    const b = randTensor(r, [B, K])
    const want = rows(a).map((ra, i) => {
      const rb = rows(b)[i]!
      const dot = ra.reduce((s, v, k) => s + v * rb[k]!, 0)
      return dot / Math.hypot(...ra) / Math.hypot(...rb)
    })
    expectClose(cosineSimilarity(a, b), want)
    expectClose(
      cosineDistance(a, b),
      want.map((v) => 1 - v),
    )
    expect(cosineSimilarity(tensor([0, 0], 'float64'), tensor([1, 0], 'float64'), { epsilon: 1e-12 }).item()).toBe(0)
    expect(() => cosineSimilarity(a, b, { epsilon: -1 })).toThrow(/epsilon/)
    checkGrads((x: Tensor) => ops.sum(cosineSimilarity(x, b)), [a])
  })
})

describe('margin losses', () => {
  it('hingeLoss and perceptronLoss, element-wise, with gradients −y and 0 on each side of the kink', () => {
    const x = scores
    expectClose(
      hingeLoss(x, signs),
      vals(x).map((v, i) => Math.max(0, 1 - v * signs.data[i]!)),
    )
    expectClose(
      perceptronLoss(x, signs),
      vals(x).map((v, i) => Math.max(0, -v * signs.data[i]!)),
    )
    const g = grad((s: Tensor) => ops.sum(hingeLoss(s, signs)))(x)
    vals(g).forEach((v, i) => expect(v + 0).toBe(1 - x.data[i]! * signs.data[i]! > 0 ? -signs.data[i]! : 0))
  })

  it('multiclassHingeLoss / multiclassPerceptronLoss: maxₖ(sₖ + 1 − [k = y]) − s_y and max s − s_y', () => {
    const s = rows(scores)
    expectClose(
      multiclassHingeLoss(scores, labels),
      s.map((row, b) => Math.max(...row.map((v, k) => v + 1 - (k === labels[b] ? 1 : 0))) - row[labels[b]!]!),
    )
    expectClose(
      multiclassPerceptronLoss(scores, labels),
      s.map((row, b) => Math.max(...row) - row[labels[b]!]!),
    )
    expect(() => multiclassHingeLoss(scores, [0, 1])).toThrow(/labels shape \[2\]/)
    expect(() => multiclassPerceptronLoss(scores, [0, 1, 4])).toThrow(/label 4/)
    checkGrads((x: Tensor) => ops.sum(multiclassHingeLoss(x, labels)), [scores])
  })
})

describe('sparsemax losses', () => {
  it('sparsemaxLoss is sparse-plus of the signed logit (value and gradient)', () => {
    const sp = (z: number) => (z <= -1 ? 0 : z >= 1 ? z : (z + 1) ** 2 / 4)
    const y = tensor([1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1], [B, K], 'float64')
    expectClose(
      sparsemaxLoss(scores, y),
      vals(scores).map((x, i) => sp(y.data[i] ? -x : x)),
    )
    checkGrads((x: Tensor) => ops.sum(sparsemaxLoss(x, y)), [scores])
  })

  it('multiclassSparsemaxLoss: value from a bisection sparsemax, gradient sparsemax(s) − e_y', () => {
    const s = rows(scores)
    const want = s.map((row, b) => {
      const p = sparsemaxRow(row)
      const y = labels[b]!
      return p.reduce((acc, pk, k) => acc + pk * (row[k]! - row[y]!), 0) + 0.5 * (1 - p.reduce((a, v) => a + v * v, 0))
    })
    expectClose(multiclassSparsemaxLoss(scores, labels), want, 9)
    const g = rows(grad((x: Tensor) => ops.sum(multiclassSparsemaxLoss(x, labels)))(scores))
    g.forEach((row, b) => {
      const p = sparsemaxRow(s[b]!)
      row.forEach((v, k) => expect(v).toBeCloseTo(p[k]! - (k === labels[b] ? 1 : 0), 9))
    })
    // optax's test: the loss is 0 when the label's score wins by a margin of 1 or more
    expect(multiclassSparsemaxLoss(tensor([[3, 1, 0]], 'float64'), [0]).toArray()).toEqual([0])
  })

  it('makeFenchelYoungLoss of logsumexp is the softmax cross-entropy; its gradient is softmax − y', () => {
    const fy = makeFenchelYoungLoss((x: Tensor) => ops.logsumexp(x, -1))
    const y = tensor(
      labels.map((l) => [0, 1, 2, 3].map((k) => (k === l ? 1 : 0))),
      'float64',
    )
    expectClose(fy(scores, y), vals(softmaxCrossEntropy(scores, y)))
    checkGrads((x: Tensor) => ops.sum(fy(x, y)), [scores])
  })
})

describe('cross-entropy variants', () => {
  const y = tensor(rows(probs), 'float64')
  it('polyLossCrossEntropy = CE + ε·Σ y(1 − p)', () => {
    const want = rows(scores).map((row, b) => {
      const p = softmaxRow(row)
      const yr = rows(y)[b]!
      const ce = -yr.reduce((s, v, k) => s + v * Math.log(p[k]!), 0)
      return ce + 3 * yr.reduce((s, v, k) => s + v * (1 - p[k]!), 0)
    })
    expectClose(polyLossCrossEntropy(scores, y, { epsilon: 3 }), want)
    checkGrads((x: Tensor) => ops.sum(polyLossCrossEntropy(x, y)), [scores])
  })

  it('safeSoftmaxCrossEntropy equals the cross-entropy for finite logits, and is finite with −∞ logits', () => {
    expectClose(safeSoftmaxCrossEntropy(scores, y), vals(softmaxCrossEntropy(scores, y)))
    const masked = tensor([[1, -Infinity, 0]], 'float64')
    const yy = tensor([[1, 0, 0]], 'float64')
    expect(safeSoftmaxCrossEntropy(masked, yy).item()).toBeCloseTo(Math.log(1 + Math.exp(-1)), 15)
    const g = vals(grad((x: Tensor) => ops.sum(safeSoftmaxCrossEntropy(x, yy)))(masked))
    expect(g[1]).toBe(0)
    expect(g[0]).toBeCloseTo(sigmoid(1) - 1, 15)
    expect(vals(softmaxCrossEntropy(masked, yy)).some(Number.isNaN)).toBe(true) // the unsafe one is NaN here
  })

  it('sigmoidFocalLoss = α_t·(1 − p_t)^γ·BCE for hard and soft labels', () => {
    const yl = tensor([1, 0, 1, 0.3, 0, 1, 0.7, 0, 1, 1, 0, 0.5], [B, K], 'float64')
    const want = vals(scores).map((x, i) => {
      const l = yl.data[i]!
      const p = sigmoid(x)
      const bce = -l * Math.log(p) - (1 - l) * Math.log(1 - p)
      const pt = l * p + (1 - l) * (1 - p)
      return (0.25 * l + 0.75 * (1 - l)) * (1 - pt) ** 1.5 * bce
    })
    expectClose(sigmoidFocalLoss(scores, yl, { alpha: 0.25, gamma: 1.5 }), want)
    expectClose(
      sigmoidFocalLoss(scores, yl, { gamma: 0 }),
      vals(scores).map((x, i) => {
        const l = yl.data[i]!
        return -l * Math.log(sigmoid(x)) - (1 - l) * Math.log(1 - sigmoid(x))
      }),
    )
    expect(vals(sigmoidFocalLoss(tensor([100, -100], 'float64'), tensor([1, 0]))).every(Number.isFinite)).toBe(true)
    expect(() => sigmoidFocalLoss(scores, yl, { gamma: -1 })).toThrow(/gamma/)
    checkGrads((x: Tensor) => ops.sum(sigmoidFocalLoss(x, yl, { alpha: 0.25 })), [scores])
  })

  it('smoothLabels: (1 − α)y + α/K, still a distribution', () => {
    const sm = smoothLabels(probs, 0.1)
    expectClose(
      sm,
      vals(probs).map((v) => 0.9 * v + 0.1 / K),
    )
    rows(sm).forEach((row) => expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14))
    expect(() => smoothLabels(probs, 1.5)).toThrow(/alpha/)
  })
})

describe('metric-learning and ranking losses', () => {
  it('tripletMarginLoss: max(d(a, p) − d(a, n) + m, 0) with d = (Σ diffᵈ + ε)^{1/d}', () => {
    const [a, p, n] = [randTensor(r, [B, K]), randTensor(r, [B, K]), randTensor(r, [B, K])]
    const d = (x: Tensor, y: Tensor) =>
      rows(x).map((row, b) => Math.sqrt(row.reduce((s, v, k) => s + (v - rows(y)[b]![k]!) ** 2, 0) + 1e-6))
    const dp = d(a, p)
    const dn = d(a, n)
    expectClose(
      tripletMarginLoss(a, p, n, { margin: 2 }),
      dp.map((v, i) => Math.max(v - dn[i]! + 2, 0)),
    )
    checkGrads((x: Tensor) => ops.sum(tripletMarginLoss(x, p, n, { margin: 10 })), [a])
  })

  it('ntxent against the pairwise definition; gradient by finite differences', () => {
    const e = randTensor(r, [5, 3])
    const lab = [0, 1, 0, 1, 1]
    const u = rows(e).map((row) => row.map((v) => v / Math.hypot(...row)))
    const sim = u.map((a) => u.map((b) => a.reduce((s, v, k) => s + v * b[k]!, 0) / 0.5))
    let total = 0
    let pairs = 0
    for (let i = 0; i < 5; i++)
      for (let j = 0; j < 5; j++) {
        if (i === j || lab[i] !== lab[j]) continue
        const neg = sim[i]!.reduce((s, v, k) => s + (lab[k] !== lab[i] ? Math.exp(v) : 0), 0)
        total += -Math.log(Math.exp(sim[i]![j]!) / (Math.exp(sim[i]![j]!) + neg))
        pairs++
      }
    expect(ntxent(e, lab, 0.5).item()).toBeCloseTo(total / pairs, 12)
    checkGrads((x: Tensor) => ntxent(x, lab, 0.5), [e])
    expect(() => ntxent(e, [0, 1, 2, 3, 4])).toThrow(/no two embeddings share a label/)
  })

  it('rankingSoftmaxLoss: mean over lists of −Σ y log softmax(s), masked items and empty lists left out', () => {
    const y = tensor(
      [
        [1, 0, 2, 0],
        [0, 0, 1, 0],
        [0, 1, 0, 0],
      ],
      'float64',
    )
    const per = rows(scores).map((row, b) => {
      const p = softmaxRow(row)
      return -rows(y)[b]!.reduce((s, v, k) => s + v * Math.log(p[k]!), 0)
    })
    expect(rankingSoftmaxLoss(scores, y).item()).toBeCloseTo(per.reduce((a, b) => a + b, 0) / B, 12)
    expectClose(rankingSoftmaxLoss(scores, y, { reduceFn: 'none' }), per)
    const where = tensor([
      [1, 1, 1, 0],
      [0, 0, 0, 0],
      [1, 1, 0, 0],
    ])
    const masked = [0, 2].map((b) => {
      const keep = rows(where)[b]!
      const row = rows(scores)[b]!.filter((_, k) => keep[k])
      const yr = rows(y)[b]!.filter((_, k) => keep[k])
      const p = softmaxRow(row)
      return -yr.reduce((s, v, k) => s + v * Math.log(p[k]!), 0)
    })
    expect(rankingSoftmaxLoss(scores, y, { where }).item()).toBeCloseTo((masked[0]! + masked[1]!) / 2, 12)
    const g = grad((s: Tensor) => rankingSoftmaxLoss(s, y, { where }))(scores)
    expect(vals(g).every(Number.isFinite)).toBe(true)
    checkGrads((s: Tensor) => rankingSoftmaxLoss(s, y, { where, reduceFn: 'sum' }), [scores])
  })
})

describe('Dice losses', () => {
  const logits = randTensor(r, [2, 3, 3])
  const t = tensor(
    [
      [
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
      ],
      [
        [0, 1, 0],
        [0, 1, 0],
        [1, 0, 0],
      ],
    ],
    'float64',
  )
  const dice = (alpha: number, beta: number, smooth: number) =>
    (logits.toArray() as number[][][]).map((img, b) => {
      const p = img.map(softmaxRow)
      return [0, 1, 2].map((c) => {
        const tt = (t.toArray() as number[][][])[b]!.map((px) => px[c]!)
        const pp = p.map((px) => px[c]!)
        const inter = pp.reduce((s, v, i) => s + v * tt[i]!, 0)
        const ps = pp.reduce((s, v) => s + v, 0)
        const ts = tt.reduce((s, v) => s + v, 0)
        return 1 - (inter + smooth) / (inter + alpha * (ps - inter) + beta * (ts - inter) + smooth)
      })
    })

  it('diceLoss per class (Dice and Tversky), reduced over classes', () => {
    const per = dice(0.5, 0.5, 1)
    expectClose(diceLoss(logits, t, { reduction: 'none' }), per.flat())
    expectClose(
      diceLoss(logits, t),
      per.map((row) => row.reduce((a, b) => a + b, 0) / 3),
    )
    expectClose(
      diceLoss(logits, t, { alpha: 0.3, beta: 0.7, reduction: 'sum', smooth: 0.5 }),
      dice(0.3, 0.7, 0.5).map((row) => row.reduce((a, b) => a + b, 0)),
    )
    expectClose(
      diceLoss(logits, t, { ignoreBackground: true, reduction: 'none' }),
      per.flatMap((row) => row.slice(1)),
    )
    checkGrads((x: Tensor) => ops.sum(diceLoss(x, t)), [logits])
    expect(() => diceLoss(logits, t, { applySoftmax: false })).toThrow(/summing to 1/)
  })

  it('multiclassGeneralizedDiceLoss weights classes by 1/frequency², normalised to sum to C', () => {
    const freq = [0, 1, 2].map((c) => (t.toArray() as number[][][]).flat().reduce((s, px) => s + px[c]!, 0))
    const w = freq.map((f) => 1 / (f * f + 1e-7))
    const wn = w.map((v) => (v / w.reduce((a, b) => a + b, 0)) * 3)
    const per = dice(0.5, 0.5, 1)
    const want = per.flatMap((row) => row.map((v, c) => v * wn[c]!)).reduce((a, b) => a + b, 0) / 6
    expect(multiclassGeneralizedDiceLoss(logits, t).item()).toBeCloseTo(want, 12)
  })

  it('binaryDiceLoss is the one-class Dice with a sigmoid', () => {
    const x = randTensor(r, [2, 4])
    const tb = tensor(
      [
        [1, 0, 1, 1],
        [0, 0, 1, 0],
      ],
      'float64',
    )
    const want = rows(x).map((row, b) => {
      const p = row.map(sigmoid)
      const tt = rows(tb)[b]!
      const inter = p.reduce((s, v, i) => s + v * tt[i]!, 0)
      const ps = p.reduce((s, v) => s + v, 0)
      const ts = tt.reduce((s, v) => s + v, 0)
      return 1 - (inter + 1) / (inter + 0.5 * (ps - inter) + 0.5 * (ts - inter) + 1)
    })
    expectClose(binaryDiceLoss(x, tb), want)
  })
})

describe('purity', () => {
  it('no loss writes into its inputs', () => {
    const y = tensor(rows(probs), 'float64')
    expectInputsUnchanged(() => multiclassSparsemaxLoss(scores, labels), scores)
    expectInputsUnchanged(() => rankingSoftmaxLoss(scores, y), scores, y)
    expectInputsUnchanged(() => diceLoss(scores, y), scores, y)
  })
})
