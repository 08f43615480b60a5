import { describe, expect, it } from 'vitest'
import { type PyTree, type Tensor, adamw, contrib, prngKey, randomNormal, tensor } from '../../src/index'
import { muonReshape } from '../../src/contrib/transforms/muonDimensionNumbers'
import { near } from './_near'

// optax.contrib.muon at 2edbcbe (_muon.py / _muon_test.py): preconditionings, presets, dimension numbers for
// tensors of rank > 2, consistent-RMS scaling, the AdamW learning rate. Expected values from the math: on a diagonal
// (or U·diag·Vᵀ) matrix each Newton–Schulz step acts on each singular value as x ↦ a·x + b·x³ + c·x⁵.

type Triple = readonly [number, number, number]
const STANDARD: Triple = [3.4445, -4.775, 2.0315]
const DION: readonly Triple[] = [
  [4.0848, -6.8946, 2.927],
  [3.9505, -6.3029, 2.6377],
  [3.7418, -5.5913, 2.3037],
  [2.8769, -3.1427, 1.2046],
  [2.8366, -3.0525, 1.2012],
]
const poly = (x: number, steps: readonly Triple[]) => steps.reduce((v, [a, b, c]) => a * v + b * v ** 3 + c * v ** 5, x)
const five = (x: number) => poly(x, [STANDARD, STANDARD, STANDARD, STANDARD, STANDARD])
const diag = (d: readonly number[], cols = d.length) =>
  tensor(
    d.map((v, i) => Array.from({ length: cols }, (_, j) => (i === j ? v : 0))),
    'float64',
  )
const plain = { nesterov: false, eps: 0 } as const
const first = <P extends PyTree>(tx: ReturnType<typeof contrib.scaleByMuon>, g: P): P => tx.update(g, tx.init(g))[0]

describe('scaleByMuon preconditioning', () => {
  const g = { w: diag([2, 1]) }
  it("'frobenius' (default): X₀ = X/‖X‖_F, singular values σ/√5", () => {
    near(first(contrib.scaleByMuon(plain), g), { w: diag([five(2 / Math.sqrt(5)), five(1 / Math.sqrt(5))]) }, 1e-12)
  })
  it("'spectral': X₀ = X/‖X‖₂, singular values σ/2 (the top one is exactly 1)", () => {
    const u = first(contrib.scaleByMuon({ ...plain, preconditioning: 'spectral' }), g)
    near(u, { w: diag([five(1), five(0.5)]) }, 1e-12)
    // a non-diagonal matrix: ‖[[3, 4], [0, 0]]‖₂ = 5, rank one, so X₀ = [[0.6, 0.8], [0, 0]]
    const v = first(contrib.scaleByMuon({ ...plain, preconditioning: 'spectral' }), {
      w: tensor(
        [
          [3, 4],
          [0, 0],
        ],
        'float64',
      ),
    })
    near(
      v,
      {
        w: tensor(
          [
            [0.6 * five(1), 0.8 * five(1)],
            [0, 0],
          ],
          'float64',
        ),
      },
      1e-12,
    )
  })
  it("'schatten': X scaled by 1/√‖XXᵀ‖_F = 17^(−1/4) in the first step", () => {
    const s = 17 ** -0.25
    const u = first(contrib.scaleByMuon({ ...plain, preconditioning: 'schatten' }), g)
    near(u, { w: diag([five(2 * s), five(s)]) }, 1e-12)
  })
  it("'aol': each row scaled by 1/√(Σⱼ|(XXᵀ)ᵢⱼ|), so a diagonal matrix starts at singular values 1", () => {
    const u = first(contrib.scaleByMuon({ ...plain, preconditioning: 'aol' }), { w: diag([2, 0.5]) })
    near(u, { w: diag([five(1), five(1)]) }, 1e-12)
  })
  it('optax test_orthogonality: 2·I₈ gives a near-orthogonal update with every preconditioning', () => {
    for (const preconditioning of ['frobenius', 'aol', 'schatten', 'spectral'] as const) {
      const [u] = contrib
        .muon(0.1, { preconditioning })
        .update({ w: diag(Array(8).fill(2)) }, contrib.muon(0.1).init({ w: diag(Array(8).fill(2)) }), {
          w: diag(Array(8).fill(2)),
        })
      const d = (u.w as Tensor).toArray() as number[][]
      const top = Math.max(...d.map((r, i) => Math.abs(r[i]!)))
      d.forEach((r, i) => r.forEach((x, j) => expect(Math.abs(x) / top).toBeCloseTo(i === j ? 1 : 0, 6)))
    }
  })
  it("optax test_aol_numerical_difference: 'aol' with the 'dion' preset differs from 'frobenius'", () => {
    const p = { w: diag(Array(8).fill(2)) }
    const upd = (o: Parameters<typeof contrib.muon>[1]) => {
      const opt = contrib.muon(0.1, o)
      return (opt.update(p, opt.init(p), p)[0].w as Tensor).toArray() as number[][]
    }
    const std = upd({ preconditioning: 'frobenius' })[0]![0]!
    const aol = upd({ preconditioning: 'aol', nsCoeffs: 'dion' })[0]![0]!
    expect(Number.isFinite(aol)).toBe(true)
    expect(Math.abs(std - aol)).toBeGreaterThan(1e-3)
  })
  it('refuses an unknown preconditioning', () => {
    expect(() => contrib.scaleByMuon({ preconditioning: 'qr' as 'aol' })).toThrow(/preconditioning must be/)
  })
})

describe('scaleByMuon nsCoeffs presets and lists', () => {
  it("'dion' runs Ahn et al.'s five triples, one per step", () => {
    const u = first(contrib.scaleByMuon({ ...plain, nsCoeffs: 'dion' }), { w: diag([2, 1]) })
    near(u, { w: diag([poly(2 / Math.sqrt(5), DION), poly(1 / Math.sqrt(5), DION)]) }, 1e-12)
  })
  it("'standard' is the default triple", () => {
    const g = { w: diag([2, 1]) }
    near(first(contrib.scaleByMuon({ ...plain, nsCoeffs: 'standard' }), g), first(contrib.scaleByMuon(plain), g), 0)
  })
  it('as optax, a list longer than nsSteps is refused (a shorter one runs one step per triple)', () => {
    expect(() => contrib.scaleByMuon({ nsCoeffs: DION, nsSteps: 3 })).toThrow(/5 triples for nsSteps = 3/)
    const u = first(contrib.scaleByMuon({ ...plain, nsCoeffs: [DION[0]!], nsSteps: 5 }), { w: diag([2, 1]) })
    near(u, { w: diag([poly(2 / Math.sqrt(5), [DION[0]!]), poly(1 / Math.sqrt(5), [DION[0]!])]) }, 1e-12)
  })
})

describe('muonDimensionNumbers: the (batch, reduction, output) reshape of optax test_reshape_inverse', () => {
  const cases: [string, number[], Parameters<typeof contrib.muonDimensionNumbers>[0], number, number[]][] = [
    ['2d_tuple_axes', [2, 3], { reductionAxis: 0, outputAxis: 1 }, 0, [1, 2, 3]],
    ['3d_batch_axis', [2, 3, 4], { reductionAxis: 0, outputAxis: 2 }, 0, [3, 2, 4]],
    ['3d_negative_axes_indices', [2, 3, 4], { reductionAxis: -3, outputAxis: -1 }, 0, [3, 2, 4]],
    ['4d_multiple_batch_axes', [2, 3, 4, 5], { reductionAxis: 2, outputAxis: 3 }, 0, [6, 4, 5]],
    ['4d_multiple_output_axes', [2, 3, 4, 5], { reductionAxis: 2, outputAxis: [0, 3] }, 0, [3, 4, 10]],
  ]
  it.each(cases)('%s', (_, shape, dims, __, flat) => {
    const n = shape.reduce((a, b) => a * b, 1)
    const data = Float64Array.from({ length: n }, (_, i) => i)
    const r = muonReshape('test', [], data, shape, contrib.muonDimensionNumbers(dims))
    expect([r.matrices.length, r.matrices[0]!.rows, r.matrices[0]!.cols]).toEqual(flat)
    expect(Array.from(r.restore(r.matrices))).toEqual(Array.from(data))
  })
  it('positional form, defaults, and bad axes', () => {
    expect(contrib.muonDimensionNumbers()).toEqual({ reductionAxis: 0, outputAxis: 1 })
    expect(contrib.muonDimensionNumbers([0, 3], 1)).toEqual({ reductionAxis: [0, 3], outputAxis: 1 })
    expect(() => contrib.muonDimensionNumbers(0.5)).toThrow(/reductionAxis must be an integer/)
    expect(() => muonReshape('t', ['w'], [1, 2, 3, 4], [2, 2], { reductionAxis: 0, outputAxis: -2 })).toThrow(
      /disjoint/,
    )
  })
})

/** `x` (row-major, `shape`) reshaped to `to` then transposed by `perm`, as numpy's x.reshape(to).transpose(perm). */
function reshapeTranspose(x: Float64Array, to: number[], perm: number[]): Tensor {
  const strides = to.map((_, i) => to.slice(i + 1).reduce((p, s) => p * s, 1))
  const outShape = perm.map((p) => to[p]!)
  const out = new Float64Array(x.length)
  const idx = new Array<number>(perm.length).fill(0)
  for (let i = 0; i < x.length; i++) {
    out[i] = x[idx.reduce((o, v, k) => o + v * strides[perm[k]!]!, 0)]!
    for (let k = perm.length - 1; k >= 0; k--) {
      if (++idx[k]! < outShape[k]!) break
      idx[k] = 0
    }
  }
  return tensor(out, outShape, 'float64')
}

describe('muon with muonWeightDimensionNumbers (optax _muon_test.py)', () => {
  const w = randomNormal(prngKey(0), [10, 12], { dtype: 'float64' })
  const updatesOf = <P extends PyTree>(params: P, o: Parameters<typeof contrib.muon>[1] = {}) => {
    const opt = contrib.muon(1e-3, o)
    return opt.update(params, opt.init(params), params)
  }
  const twoD = updatesOf({ w })[0].w as Tensor
  for (const preconditioning of ['frobenius', 'aol', 'schatten'] as const) {
    it(`${preconditioning}: trivial dimension numbers on a matrix change nothing`, () => {
      const u = updatesOf({ w }, { preconditioning, muonWeightDimensionNumbers: { w: contrib.muonDimensionNumbers() } })
      near(u[0], updatesOf({ w }, { preconditioning })[0], 1e-12)
    })
    it(`${preconditioning}: the matrix as a (4, 1, 10, 3) tensor, reduction (2), output (0, 3), gives its update reshaped`, () => {
      const reshape = (t: Tensor) => reshapeTranspose(Float64Array.from(t.data), [10, 3, 1, 4], [3, 2, 0, 1])
      const u = updatesOf(
        { w: reshape(w) },
        { preconditioning, muonWeightDimensionNumbers: { w: contrib.muonDimensionNumbers([2], [0, 3]) } },
      )
      const base = preconditioning === 'frobenius' ? twoD : (updatesOf({ w }, { preconditioning })[0].w as Tensor)
      near(u[0], { w: reshape(base) }, 1e-12)
    })
    it(`${preconditioning}: as a (5, 12, 1, 2) tensor with reduction (0, 3), whose row order differs, too`, () => {
      const reshape = (t: Tensor) => reshapeTranspose(Float64Array.from(t.data), [2, 1, 5, 12], [2, 3, 1, 0])
      const u = updatesOf(
        { w: reshape(w) },
        { preconditioning, muonWeightDimensionNumbers: { w: contrib.muonDimensionNumbers([0, 3], [1]) } },
      )
      const base = updatesOf({ w }, { preconditioning })[0].w as Tensor
      near(u[0], { w: reshape(base) }, 1e-12)
    })
  }
  it('a batch axis orthogonalises each slice on its own', () => {
    const x = randomNormal(prngKey(3), [2, 3, 4], { dtype: 'float64' })
    const slice = (b: number) => tensor(Array.from(x.data).slice(b * 12, b * 12 + 12), [3, 4], 'float64')
    const tx = contrib.scaleByMuon({ weightDimensionNumbers: contrib.muonDimensionNumbers(1, 2) })
    const u = first(tx, { x }).x as Tensor
    for (const b of [0, 1]) {
      const alone = first(contrib.scaleByMuon(), { x: slice(b) }).x as Tensor
      near(tensor(Array.from(u.data).slice(b * 12, b * 12 + 12), [3, 4], 'float64'), alone, 1e-12)
    }
  })
  it('optax test_dim_nums_combinations: null leaves and null prefixes go to AdamW', () => {
    const muonMu = (s: unknown) =>
      (s as readonly [{ innerStates: { muon: { innerState: readonly [{ mu: PyTree }] } } }])[0].innerStates.muon
        .innerState[0].mu as Record<string, unknown>
    const dims = contrib.muonDimensionNumbers(1, 2)
    const p1 = {
      w1: tensor([
        [
          [1, 1, 1],
          [1, 1, 1],
        ],
      ]),
      w2: tensor(Array(24).fill(1), [2, 3, 4]),
    }
    expect(muonMu(updatesOf(p1, { muonWeightDimensionNumbers: { w1: dims, w2: dims } })[1]).w1).not.toBeNull()
    expect(muonMu(updatesOf(p1, { muonWeightDimensionNumbers: { w1: null, w2: dims } })[1]).w1).toBeNull()
    const one = () =>
      tensor([
        [1, 1, 1],
        [1, 1, 1],
      ])
    const p4 = { w1: { a: one(), b: one() }, w2: { a: one(), b: one() } }
    const d = contrib.muonDimensionNumbers()
    const mu4 = muonMu(updatesOf(p4, { muonWeightDimensionNumbers: { w1: null, w2: { a: d, b: null } } })[1])
    expect(mu4).toMatchObject({ w1: { a: null, b: null }, w2: { b: null } })
    expect((mu4.w2 as { a: Tensor }).a.shape).toEqual([2, 3])
    const mu5 = muonMu(updatesOf(p4, { muonWeightDimensionNumbers: { w1: d, w2: null } })[1])
    expect(mu5).toMatchObject({ w2: { a: null, b: null } })
  })
  it('optax test_callable_weight_dim_nums: a function of the params', () => {
    const params = { w1: tensor(Array(100).fill(1), [10, 10]), w2: tensor(Array(20).fill(1), [2, 10]) }
    const fn = (p: PyTree) => ({
      w1: contrib.muonDimensionNumbers(),
      w2: (p as typeof params).w2 === null ? null : null,
    })
    const [u] = updatesOf(params, { muonWeightDimensionNumbers: fn })
    expect((u.w1 as Tensor).shape).toEqual([10, 10])
    // w2 went to AdamW: its first update is −lr·sign(g) (Nesterov AdamW's first step is −lr·g/|g|·(1 + …)/…)
    const ref = adamw(1e-3, { weightDecay: 0, nesterov: true })
    near({ w2: u.w2 }, { w2: ref.update(params.w2, ref.init(params.w2), params.w2)[0] }, 0)
  })
})

describe('muon consistentRms, adamLearningRate and muDtype', () => {
  const g = { wide: diag([0.5, 0.25], 3), b: tensor([1, -2], 'float64') }
  const n = Math.hypot(0.5, 0.25)
  it('consistentRms ρ scales by √max(fan_in, fan_out)·ρ (Liu et al. 2025) instead of √max(1, fan_out/fan_in)', () => {
    const opt = contrib.muon(1, { ...plain, consistentRms: 0.2 })
    const [u] = opt.update(g, opt.init(g), g)
    const s = Math.sqrt(3) * 0.2
    near({ wide: u.wide }, { wide: diag([-s * five(0.5 / n), -s * five(0.25 / n)], 3) }, 1e-12)
  })
  it('adamLearningRate is the learning rate of the AdamW leaves only', () => {
    const opt = contrib.muon(1, { ...plain, adamLearningRate: 0.01 })
    const [u] = opt.update(g, opt.init(g), g)
    const ref = adamw(0.01, { weightDecay: 0, nesterov: false, eps: 0 })
    near({ b: u.b }, { b: ref.update(g.b, ref.init(g.b), g.b)[0] }, 0)
    near(
      { wide: u.wide },
      { wide: diag([-Math.sqrt(1.5) * five(0.5 / n), -Math.sqrt(1.5) * five(0.25 / n)], 3) },
      1e-12,
    )
  })
  it('muDtype keeps both the Muon momentum and the AdamW moment in that dtype', () => {
    const p = {
      w: tensor([
        [1, 2],
        [3, 4],
      ]),
      b: tensor([1, 2]),
    }
    const opt = contrib.muon(0.1, { muDtype: 'float64' })
    const s = opt.init(p) as unknown as readonly [
      { innerStates: Record<string, { innerState: readonly { mu?: PyTree }[] }> },
    ]
    expect((s[0].innerStates.muon!.innerState[0]!.mu as { w: Tensor }).w.dtype).toBe('float64')
    expect((s[0].innerStates.adam!.innerState[0]!.mu as { b: Tensor }).b.dtype).toBe('float64')
  })
})
