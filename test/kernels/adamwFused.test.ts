import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import { adam, adamw, applyUpdates, nadamw, tensor, tree } from '../../src/index'
import { chain } from '../../src/core/chain'
import type { Tensor } from '../../src/core/tensor'
import type { PyTree } from '../../src/core/types'
import { adamwFused } from '../../src/kernels/fused/adamwFused'
import { adamwFusedTs } from '../../src/kernels/fused/adamwFusedTs'
import { type AdamwScalars, wasmAvailable } from '../../src/kernels/wasm/index'
import { addDecayedWeights } from '../../src/transforms/addDecayedWeights'
import { scaleByAdam } from '../../src/transforms/scaleByAdam'
import { scaleByLearningRate } from '../../src/transforms/scaleByLearningRate'
import { expectTreesEqual, values } from '../_helpers/assertions'

const f32 = (n: number, seed: number, scale = 1): Float32Array => {
  let x = seed
  return Float32Array.from(
    { length: n },
    () => (((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1) * scale,
  )
}

const scalars = (t: number, o: Partial<AdamwScalars> = {}): AdamwScalars => ({
  b1: 0.9,
  b2: 0.999,
  bc1: 1 - 0.9 ** t,
  bc2: 1 - 0.999 ** t,
  bc1Next: 1 - 0.9 ** (t + 1),
  eps: 1e-8,
  epsRoot: 0,
  wd: 1e-2,
  applyWd: true,
  s: -1e-3,
  nesterov: false,
  ...o,
})

/** The formula written independently, in float64 with the float32 roundings of the unfused chain. */
function reference(p: number, g: number, m: number, v: number, c: AdamwScalars): [number, number, number, number] {
  const fr = Math.fround
  const m1 = fr((1 - c.b1) * g + c.b1 * m)
  const v1 = fr((1 - c.b2) * g * g + c.b2 * v)
  const den = Math.sqrt(v1 / c.bc2 + c.epsRoot) + c.eps
  const mhat = c.nesterov ? (c.b1 * m1) / c.bc1Next + ((1 - c.b1) * g) / c.bc1 : m1 / c.bc1
  let u = fr(mhat / den)
  if (c.applyWd) u = fr(u + c.wd * p)
  u = fr(c.s * u)
  return [m1, v1, u, fr(p + u)]
}

describe('adamwFused kernels', () => {
  it.each([
    ['ts', 1000],
    ['wasm', 1003],
    ['wasm', 8],
    ['auto', 5],
    ['auto', 50_001],
  ] as const)('%s kernel over %i elements equals the float32-rounded formula bit for bit', (kernel, n) => {
    if (kernel === 'wasm' && !wasmAvailable()) return
    for (const o of [{}, { nesterov: true }, { applyWd: false }, { epsRoot: 1e-6, eps: 0 }] as const) {
      const c = scalars(3, o)
      const [p, g, m, v] = [f32(n, 1, 10), f32(n, 2, 1e3), f32(n, 3), f32(n, 4, 1).map(Math.abs)]
      const r = adamwFused(p, g, m, v, c, { applyParams: true, kernel })
      for (let i = 0; i < n; i++) {
        const [em, ev, eu, ep] = reference(p[i]!, g[i]!, m[i]!, v[i]!, c)
        expect([r.m[i], r.v[i], r.u[i], r.p![i]]).toEqual([em, ev, eu, ep])
      }
    }
  })

  it.each(['ts', 'wasm'] as const)(
    '%s: zero gradients at the first step give zero moments and an update of −lr·λ·p only',
    (kernel) => {
      if (kernel === 'wasm' && !wasmAvailable()) return
      const n = 12
      const p = f32(n, 9)
      const z = new Float32Array(n)
      const r = adamwFused(p, z, z, z, scalars(1), { kernel })
      expect([...r.m]).toEqual([...z])
      for (let i = 0; i < n; i++) expect(r.u[i]).toBe(Math.fround(-1e-3 * Math.fround(1e-2 * p[i]!)))
    },
  )

  test.prop([fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 50 }), fc.boolean()])(
    'wasm and ts kernels agree bit for bit and never write their inputs',
    (n, t, nesterov) => {
      const ins = [f32(n, n, 5), f32(n, n + 1, 100), f32(n, n + 2), f32(n, n + 3).map(Math.abs)] as const
      const copies = ins.map((a) => a.slice())
      const c = scalars(t, { nesterov })
      const a = adamwFused(...ins, c, { kernel: wasmAvailable() ? 'wasm' : 'ts', applyParams: true })
      const b = { m: new Float32Array(n), v: new Float32Array(n), u: new Float32Array(n), p: new Float32Array(n) }
      adamwFusedTs(...ins, c, b)
      expect([a.m, a.v, a.u, a.p]).toEqual([b.m, b.v, b.u, b.p])
      ins.forEach((x, i) => expect(x).toEqual(copies[i]))
    },
  )
})

describe('adamw through the public API uses the fused path and stays bit-identical to the chain', () => {
  const unfused = (lr: number, o: Parameters<typeof adamw>[1] = {}) =>
    chain(
      scaleByAdam(o),
      addDecayedWeights({ weightDecay: o?.weightDecay ?? 1e-4, mask: o?.mask }),
      scaleByLearningRate(lr),
    )

  it.each([
    ['defaults', {}],
    ['weight decay 0.1, eps 0', { weightDecay: 0.1, eps: 0 }],
    ['literal weight decay 0', { weightDecay: 0 }],
    ['scheduled weight decay', { weightDecay: (c: number) => 0.01 * (c + 1) }],
    ['nesterov', { nesterov: true, epsRoot: 1e-8 }],
  ] as const)('%s: 5 steps, large and small leaves', (_, options) => {
    const params0: PyTree = {
      w: tensor(f32(10_000, 1), [100, 100]),
      b: tensor(f32(7, 2)),
      nested: [tensor(f32(4099, 3))],
    }
    const fused = adamw(0.01, options)
    const ref = unfused(0.01, options)
    let [pf, pr] = [params0, params0]
    let [sf, sr] = [fused.init(params0), ref.init(params0)]
    for (let step = 0; step < 5; step++) {
      const g: PyTree = {
        w: tensor(f32(10_000, 10 + step, 3), [100, 100]),
        b: tensor(f32(7, 20 + step)),
        nested: [tensor(f32(4099, 30 + step))],
      }
      const [uf, sf2] = fused.update(g, sf, pf)
      const [ur, sr2] = ref.update(g, sr, pr)
      expectTreesEqual(uf, ur)
      expectTreesEqual(sf2, sr2)
      ;[sf, sr] = [sf2, sr2]
      pf = applyUpdates(pf, uf)
      pr = applyUpdates(pr, ur)
    }
    expectTreesEqual(pf, pr)
  })

  it('nadamw (nesterov) and a learning-rate schedule also match', () => {
    const p: PyTree = [tensor(f32(5000, 5))]
    const lr = (c: number) => 0.1 / (1 + c)
    const tx = nadamw(lr)
    const ref = chain(scaleByAdam({ nesterov: true }), addDecayedWeights(1e-4), scaleByLearningRate(lr))
    let [s1, s2] = [tx.init(p), ref.init(p)]
    for (let k = 0; k < 3; k++) {
      const g: PyTree = [tensor(f32(5000, 50 + k))]
      const [u1, n1] = tx.update(g, s1, p)
      const [u2, n2] = ref.update(g, s2, p)
      expectTreesEqual(u1, u2)
      ;[s1, s2] = [n1, n2]
    }
  })

  it('never changes an array the caller holds (params, grads, old state)', () => {
    const p = { w: tensor(f32(20_000, 1)) }
    const g = { w: tensor(f32(20_000, 2)) }
    const tx = adamw(1e-3)
    const s0 = tx.init(p)
    const [, s1] = tx.update(g, s0, p)
    const leaf = (t: PyTree) => (t as { w: Tensor }).w.data
    const held = [p.w.data, g.w.data, leaf(s1[0].mu), leaf(s1[0].nu)]
    const snapshot = held.map((x) => x.slice())
    const [u2, s2] = tx.update(g, s1, p)
    applyUpdates(p, u2)
    held.forEach((x, i) => expect(x).toEqual(snapshot[i]))
    expect(s2[0].mu).not.toBe(s1[0].mu)
    expect(s2[0].count).toBe(2)
  })

  it('falls back to the chain for number leaves and float64 leaves (same results)', () => {
    const tx = adamw(0.1)
    const ref = unfused(0.1)
    for (const p of [{ a: 1.5 }, { a: tensor([1, 2, 3], 'float64') }] as PyTree[]) {
      const g = p as PyTree
      const [u1] = tx.update(g, tx.init(p), p)
      const [u2] = ref.update(g, ref.init(p), p)
      expectTreesEqual(u1, u2)
    }
  })
})

describe('adam through the public API uses the same fused path and stays bit-identical to the chain', () => {
  const unfused = (lr: number | ((c: number) => number), o: Parameters<typeof adam>[1] = {}) =>
    chain(scaleByAdam(o), scaleByLearningRate(lr))

  it.each([
    ['defaults, with params', {}, true],
    ['defaults, without params', {}, false],
    ['eps 0, epsRoot 1e-8', { eps: 0, epsRoot: 1e-8 }, true],
    ['nesterov (nadam)', { nesterov: true }, false],
    ['donate', { donate: true }, true],
    ['donate, without params', { donate: true }, false],
  ] as const)('%s: 5 steps, large and small leaves, a learning-rate schedule', (_, options, withParams) => {
    const params0: PyTree = { w: tensor(f32(10_000, 1), [100, 100]), b: tensor(f32(7, 2)) }
    const lr = (c: number) => 0.05 / (1 + c)
    const fused = adam(lr, options)
    const ref = unfused(lr, options)
    const donate = 'donate' in options
    // A donated params tree must be the fused side's own copy.
    let [pf, pr] = [
      tree.map((t) => tensor((t as Tensor).data.slice(), (t as Tensor).shape as number[]), params0),
      params0,
    ]
    let [sf, sr] = [fused.init(params0), ref.init(params0)]
    for (let step = 0; step < 5; step++) {
      const g: PyTree = { w: tensor(f32(10_000, 10 + step, 3), [100, 100]), b: tensor(f32(7, 20 + step)) }
      const [uf, sf2] = withParams ? fused.update(g, sf, pf) : fused.update(g, sf)
      const [ur, sr2] = ref.update(g, sr, pr)
      expectTreesEqual(uf, ur)
      expectTreesEqual(sf2, sr2)
      ;[sf, sr] = [sf2, sr2]
      pf = applyUpdates(pf, uf, { donate })
      pr = applyUpdates(pr, ur)
      expectTreesEqual(pf, pr)
    }
  })

  it('never changes an array the caller holds, and falls back to the chain for numbers and float64', () => {
    const p = { w: tensor(f32(20_000, 1)) }
    const g = { w: tensor(f32(20_000, 2)) }
    const tx = adam(1e-3)
    const [, s1] = tx.update(g, tx.init(p), p)
    const held = [p.w.data, g.w.data, (s1[0].mu as { w: Tensor }).w.data, (s1[0].nu as { w: Tensor }).w.data]
    const snapshot = held.map((x) => x.slice())
    const [u2] = tx.update(g, s1, p)
    applyUpdates(p, u2)
    held.forEach((x, i) => expect(x).toEqual(snapshot[i]))
    for (const q of [{ a: 1.5 }, { a: tensor([1, 2, 3], 'float64') }] as PyTree[]) {
      expectTreesEqual(adam(0.1).update(q, adam(0.1).init(q))[0], unfused(0.1).update(q, unfused(0.1).init(q))[0])
    }
  })

  it('adam({ donate: true }) refuses a donated state a second time', () => {
    const p = { w: tensor(f32(5000, 1)) }
    const tx = adam(1e-3, { donate: true })
    const s0 = tx.init(p)
    tx.update({ w: tensor(f32(5000, 3)) }, s0)
    expect(() => tx.update({ w: tensor(f32(5000, 4)) }, s0)).toThrow(/^adam\(\{ donate: true \}\)/)
    expect(() => adam(0.1, { donate: 'yes' as unknown as boolean })).toThrow('adam options.donate')
  })
})

describe('pure adamw computes p′ ahead while applyUpdates takes it', () => {
  it('any mix of applied and unapplied steps gives applyUpdates = p + u exactly, in fresh arrays', () => {
    const tx = adamw(1e-2, { weightDecay: 0.01 })
    let p = { w: tensor(f32(5000, 1)) }
    let s = tx.init(p)
    const held: (Float32Array | Float64Array)[] = []
    for (const apply of [true, true, false, false, true, false, true, true]) {
      const [u, s2] = tx.update({ w: tensor(f32(5000, 3 + held.length)) }, s, p)
      s = s2
      const expected = Array.from(p.w.data, (x, i) => Math.fround(x + (u.w as Tensor).data[i]!))
      if (!apply) continue
      const q = applyUpdates(p, u)
      const again = applyUpdates(p, u)
      expect(values(q.w)).toEqual(expected)
      expect(values(again.w)).toEqual(expected)
      expect(again.w.data).not.toBe(q.w.data)
      for (const h of held) expect(q.w.data.buffer).not.toBe(h.buffer)
      held.push(q.w.data, p.w.data)
      p = q
    }
  })
})

describe('adamwFused with donated buffers', () => {
  it.each(['ts', 'wasm'] as const)(
    '%s: writing m′, v′, p′ over m, v, p in place gives the fresh-output result',
    (kernel) => {
      if (kernel === 'wasm' && !wasmAvailable()) return
      const n = 20_003
      const [p, g, m, v] = [f32(n, 1), f32(n, 2), f32(n, 3), f32(n, 4).map(Math.abs)]
      const c = scalars(2)
      const fresh = adamwFused(p, g, m, v, c, { applyParams: true, kernel })
      const u = new Float32Array(n)
      adamwFused(p, g, m, v, c, { applyParams: true, kernel, out: { m, v, u, p } })
      expect([m, v, u, p]).toEqual([fresh.m, fresh.v, fresh.u, fresh.p])
    },
  )
})

describe('adamw({ donate: true })', () => {
  const mk = (step: number) => ({ w: tensor(f32(9000, 40 + step, 2), [90, 100]), b: tensor(f32(3000, 60 + step)) })

  it('gives bit-identical params and moments to the default over 6 steps', () => {
    const p0 = { w: tensor(f32(9000, 1), [90, 100]), b: tensor(f32(3000, 2)) }
    const pure = adamw(0.01, { weightDecay: 0.05 })
    const don = adamw(0.01, { weightDecay: 0.05, donate: true })
    let [pp, pd] = [p0 as PyTree, p0 as PyTree]
    let [sp, sd] = [pure.init(p0), don.init(p0)]
    for (let k = 0; k < 6; k++) {
      const [up, np] = pure.update(mk(k), sp, pp)
      const [ud, nd] = don.update(mk(k), sd, pd)
      expectTreesEqual(ud, up)
      expectTreesEqual(nd, np)
      pp = applyUpdates(pp, up)
      pd = applyUpdates(pd, ud)
      ;[sp, sd] = [np, nd]
    }
    expectTreesEqual(pd, pp)
  })

  it('reuses the donated moment buffers and refuses a donated state a second time', () => {
    const p = { w: tensor(f32(5000, 1)) }
    const tx = adamw(1e-3, { donate: true })
    const s0 = tx.init(p)
    const [, s1] = tx.update({ w: tensor(f32(5000, 3)) }, s0, p)
    expect((s1[0].mu as { w: Tensor }).w.data).toBe((s0[0].mu as { w: Tensor }).w.data)
    expect(() => tx.update({ w: tensor(f32(5000, 4)) }, s0, p)).toThrow(/donated to an earlier update/)
    expect(() => tx.update({ w: tensor(f32(5000, 4)) }, s1, p)).not.toThrow()
  })

  it('never writes the params or gradients, even when a tensor is used as both', () => {
    const t = tensor(f32(4000, 7))
    const snapshot = t.data.slice()
    const tx = adamw(1e-2, { donate: true })
    const [u, s1] = tx.update({ w: t }, tx.init({ w: t }), { w: t })
    const uSnapshot = (u.w as Tensor).data.slice()
    // The updates fed back as params and grads: their (scratch) buffer must not be written by this call.
    tx.update(u, s1, u)
    expect(t.data).toEqual(snapshot)
    expect((u.w as Tensor).data).toEqual(uSnapshot)
  })

  it('with applyUpdates({ donate: true }) gives the pure chain bit for bit over 6 steps, double-buffering the params', () => {
    const p0 = { w: tensor(f32(9000, 1), [90, 100]), b: tensor(f32(3000, 2)) }
    const pure = chain(scaleByAdam(), addDecayedWeights({ weightDecay: 0.05 }), scaleByLearningRate(0.01))
    const don = adamw(0.01, { weightDecay: 0.05, donate: true })
    const copy = (t: Tensor) => tensor(t.data.slice(), t.shape as number[])
    let pp: PyTree = p0
    let pd: PyTree = { w: copy(p0.w), b: copy(p0.b) }
    let [sp, sd] = [pure.init(p0), don.init(p0)]
    const buffers = new Set<ArrayBufferLike>()
    for (let k = 0; k < 6; k++) {
      const [up, np]: readonly [PyTree, typeof sp] = pure.update(mk(k), sp, pp)
      const [ud, nd]: readonly [PyTree, typeof sd] = don.update(mk(k), sd, pd)
      expectTreesEqual(ud, up)
      pp = applyUpdates(pp, up)
      pd = applyUpdates(pd, ud, { donate: true })
      expectTreesEqual(pd, pp)
      buffers.add((pd as { w: Tensor }).w.data.buffer)
      ;[sp, sd] = [np, nd]
    }
    // p′ alternates between two buffers: the old params storage is recycled, no fresh array per step.
    expect(buffers.size).toBe(2)
    expect(values((p0 as { w: Tensor }).w)).toEqual(Array.from(f32(9000, 1)))
  })

  it('the precomputed p′ is used once, only for the params it was computed from, and pure applyUpdates agrees', () => {
    const p = { w: tensor(f32(5000, 1)) }
    const other = { w: tensor(f32(5000, 9)) }
    const tx = adamw(1e-2, { donate: true })
    const [u] = tx.update({ w: tensor(f32(5000, 3)) }, tx.init(p), p)
    const expected = (q: { w: Tensor }) => Array.from(q.w.data, (x, i) => Math.fround(x + (u.w as Tensor).data[i]!))
    const a = applyUpdates(p, u)
    const b = applyUpdates(p, u)
    const c = applyUpdates(other, u)
    expect(values(a.w)).toEqual(expected(p))
    expect(values(b.w)).toEqual(expected(p))
    expect(b.w.data).not.toBe(a.w.data)
    expect(values(c.w)).toEqual(expected(other))
    expect(values(p.w)).toEqual(Array.from(f32(5000, 1)))
  })

  it('an update not applied before the next update does not leak a stale p′', () => {
    const p = { w: tensor(f32(5000, 1)) }
    const tx = adamw(1e-2, { donate: true })
    const [u1, s1] = tx.update({ w: tensor(f32(5000, 3)) }, tx.init(p), p)
    const q = { w: tensor(f32(5000, 5)) }
    const [u2] = tx.update({ w: tensor(f32(5000, 4)) }, s1, q)
    // u1's buffer was rewritten by the second update (documented); its precomputed p′ must no longer be served.
    const r1 = applyUpdates(p, u1)
    expect(values(r1.w)).toEqual(Array.from(p.w.data, (x, i) => Math.fround(x + (u1.w as Tensor).data[i]!)))
    const r2 = applyUpdates(q, u2, { donate: true })
    expect(values(r2.w)).toEqual(Array.from(f32(5000, 5), (x, i) => Math.fround(x + (u2.w as Tensor).data[i]!)))
  })

  it('rejects a non-boolean donate', () => {
    expect(() => adamw(0.1, { donate: 1 as unknown as boolean })).toThrow('adamw options.donate')
  })
})
