/**
 * Meta-tests of the shipped law checker: correct transforms pass, and for every law a deliberately broken transform
 * fails with that law named and a readable counterexample (law, step, params, gradients).
 */
import { describe, expect, it } from 'vitest'
import { type GradientTransformation, type PyTree, adam, sgd, stateless, tensor, tree } from '../../src/index'
import { type LawName, assertTransformLaws, checkTransformLaws, transformLaws } from '../../src/testing/index'

const SEED = 20261121
const RUNS = 25

interface MomentumState {
  readonly count: number
  readonly m: PyTree
}
/** A correct stateful transform to break in various ways: `m ← g + 0.9·m; u = m`. */
const momentum = (): GradientTransformation<MomentumState> => ({
  init: (params) => ({ count: 0, m: tree.zerosLike(params) }),
  update: (updates, state) => {
    const m = tree.mapElementwise((g, mm) => g + 0.9 * mm, updates, state.m as typeof updates)
    return [m, { count: state.count + 1, m }] as const
  },
})
const moments = (s: unknown, p: PyTree) => [['m', (s as MomentumState).m, p] as const]

type Init = (params: PyTree) => unknown
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Update = (updates: PyTree, state: any, params?: PyTree, extra?: object) => readonly [PyTree, unknown]
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Tx = GradientTransformation<any>
/** The momentum transform with its init and/or update replaced. */
const breakIt = (parts: { readonly init?: Init; readonly update?: Update }): Tx => ({ ...momentum(), ...parts }) as Tx

/** Writes 0 into the first element of every tensor of a tree (a mutation of the caller's data). */
const scribble = (t: unknown) =>
  tree.leaves(t as PyTree).forEach((l) => typeof l !== 'number' && l.size > 0 && ((l.data as Float64Array)[0] = 0))

/** A transform whose updates depend on how many times its init was called (it breaks inside chains). */
const initCounting = (): Tx => {
  let n = 0
  const tx = momentum()
  return breakIt({ init: (p) => (n++, tx.init(p)), update: (g, s) => [tree.scale(n, g), s] })
}

type Broken = readonly [LawName, string, () => Tx, (readonly LawName[])?]
const BROKEN: readonly Broken[] = [
  ['inputsUnchanged', 'writes into the gradients', () => breakIt({ update: (g, s) => (scribble(g), [g, s]) })],
  [
    'inputsUnchanged',
    'writes into the params at init',
    () => breakIt({ init: (p) => (scribble(p), momentum().init(p)) }),
  ],
  [
    'inputsUnchanged',
    'increments its state in place',
    () => breakIt({ update: (g, s) => ((s.count += 1), [g, { ...s }]) }),
  ],
  [
    'updateStructure',
    'casts the updates to float64',
    () => breakIt({ update: (g, s) => [tree.cast(g, 'float64'), s] }),
  ],
  ['updateStructure', 'wraps the updates in an array', () => breakIt({ update: (g, s) => [[g], s] })],
  [
    'stateStructure',
    'grows a state field after step 0',
    () => breakIt({ update: (g, s) => [g, s.count === 0 ? { ...s, x: 1 } : s] }),
  ],
  [
    'stateStructure',
    'keeps its moment in float64',
    () => breakIt({ init: (p) => ({ count: 0, m: tree.zerosLike(p, 'float64') }), update: (g, s) => [g, s] }),
  ],
  ['finite', 'scales by Infinity', () => breakIt({ update: (g, s) => [tree.scale(Infinity, g), s] })],
  ['finite', 'starts its count at NaN', () => breakIt({ init: (p) => ({ count: NaN, m: tree.zerosLike(p) }) })],
  [
    'deterministic',
    'drifts with a hidden call counter',
    () => {
      let calls = 0
      return breakIt({ update: (g, s) => [tree.scale(1 + 1e-6 * calls++, g), s] })
    },
  ],
  [
    'initValueIndependent',
    'starts its moment at the params',
    () => breakIt({ init: (p) => ({ count: 0, m: tree.map((l) => l, p) }) }),
  ],
  [
    'extraArgsIgnored',
    'reacts to an extra argument it does not know',
    () => breakIt({ update: (g, s, _p, x) => [x === undefined ? g : tree.scale(2, g), s] }),
  ],
  // initCounting is first of all non-deterministic (a second init changes its updates); checked alone, each chain
  // law must still catch it.
  ['chainIdentity', 'counts its init calls (chain law alone)', initCounting, ['chainIdentity']],
  ['chainAssociative', 'counts its init calls (chain law alone)', initCounting, ['chainAssociative']],
]

describe('checkTransformLaws', () => {
  it.each([
    ['sgd(0.1, { momentum: 0.9 })', sgd(0.1, { momentum: 0.9 })],
    ['adam(1e-3)', adam(1e-3)],
    ['the momentum transform', momentum()],
  ] as const)('%s obeys every law', (_, tx) => {
    const r = assertTransformLaws(tx, { numRuns: RUNS, seed: SEED })
    expect(r.laws).toEqual(Object.keys(transformLaws))
    expect(r.numRuns).toBe(RUNS)
  })

  it('checks the moments it is told of, and the examples before the random trees', () => {
    const deep = { a: [{ w: tensor([[[1, 2]]]), b: null }], c: 2 }
    expect(() => assertTransformLaws(momentum(), { numRuns: 10, seed: SEED, moments, examples: [deep] })).not.toThrow()
    // broken only on rank-3 tensors, which the random trees (rank ≤ 2) never have: only the example can catch it
    const rank3 = breakIt({
      update: (g, s) => [
        tree.map((l) => (typeof l !== 'number' && l.shape.length === 3 ? tree.cast(l, 'float64') : l), g),
        s,
      ],
    })
    expect(checkTransformLaws(rank3, { numRuns: 20, seed: SEED })._tag).toBe('Right')
    const r = checkTransformLaws(rank3, { numRuns: 0, seed: SEED, examples: [deep] })
    expect(r._tag === 'Left' && r.left.law).toBe('updateStructure')
  })

  it.each(BROKEN.map(([law, what, make, only]) => [`${law}: a transform that ${what}`, law, make, only] as const))(
    '%s fails with that law named',
    (_, law, make, only) => {
      const r = checkTransformLaws(make(), { numRuns: RUNS, seed: SEED, moments, ...(only ? { laws: only } : {}) })
      expect(r._tag).toBe('Left')
      if (r._tag !== 'Left') return
      expect(r.left.law).toBe(law)
      expect(r.left.statement).toBe(transformLaws[law])
      expect(r.left.message).toContain(`law ${law} broken`)
      expect(r.left.message).toContain(`params: ${r.left.params}`)
      if (r.left.step !== undefined) {
        expect(r.left.message).toContain(`at step ${r.left.step}`)
        expect(r.left.message).toContain(`grads: ${r.left.grads}`)
      }
      expect(() =>
        assertTransformLaws(make(), { numRuns: RUNS, seed: SEED, moments, ...(only ? { laws: only } : {}) }),
      ).toThrow(`law ${law} broken`)
    },
  )

  it('names the law a transform breaks by throwing, with the error', () => {
    const throwing = breakIt({
      update: () => {
        throw new RangeError('boom')
      },
    })
    const r = checkTransformLaws(throwing, { numRuns: 5, seed: SEED })
    expect(r._tag === 'Left' && r.left.detail).toMatch(/threw: RangeError: boom/)
  })

  it('skips the laws not asked for', () => {
    const inf = breakIt({ update: (g, s) => [tree.scale(Infinity, g), s] })
    const laws = (Object.keys(transformLaws) as LawName[]).filter((l) => l !== 'finite')
    expect(checkTransformLaws(inf, { numRuns: 10, seed: SEED, laws })._tag).toBe('Right')
    expect(
      checkTransformLaws(
        stateless((g) => g),
        { numRuns: 10, seed: SEED },
      )._tag,
    ).toBe('Right')
  })
})
