import { describe, expect, it } from 'vitest'
import { type GradientTransformation, type PyTree, identity, setToZero, stateless, tree } from '../../src/index'
import { type AnyTransformation, type LawCase, LAWS, describeTransformLaws, fields } from '../_helpers/lawSuite'

const stateless0: LawCase = { name: 'identity()', make: identity, moments: () => [] }

const CASES: readonly LawCase[] = [
  stateless0,
  { name: 'setToZero()', make: setToZero, moments: () => [] },
  { name: 'stateless(g ↦ 2g)', make: () => stateless((g) => tree.scale(2, g)), moments: () => [] },
]

describeTransformLaws(CASES)

// ---- every law must be able to fail: deliberately broken transforms ------------------------------------------

/** A correct stateful transform to break in various ways: `m ← g + 0.9·m; u = m`. */
const momentum = (): GradientTransformation<{ readonly count: number; readonly m: PyTree }> => ({
  init: (params) => ({ count: 0, m: tree.zerosLike(params) }),
  update: (updates, state) => {
    const m = tree.mapElementwise((g, mm) => g + 0.9 * mm, updates, state.m as typeof updates)
    return [m, { count: state.count + 1, m }] as const
  },
})

const ok: LawCase = { name: 'momentum', make: momentum, moments: fields('m') }

type Init = (params: PyTree) => unknown
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Update = (updates: PyTree, state: any, params?: PyTree, extra?: object) => readonly [PyTree, unknown]
/** The momentum transform with its init and/or update replaced. */
const breakIt = (parts: { readonly init?: Init; readonly update?: Update }): AnyTransformation =>
  ({ ...momentum(), ...parts }) as unknown as AnyTransformation
/** A transform whose updates depend on how many times its init was called (so wrapping it in chains changes it). */
const initCounting = (): AnyTransformation => {
  let n = 0
  const tx = momentum()
  return breakIt({ init: (p) => (n++, tx.init(p)), update: (g, s) => [tree.scale(n, g), s] })
}

const broken: readonly (readonly [keyof typeof LAWS, AnyTransformation])[] = [
  // init: a non-finite state leaf; a moment without the params' dtypes
  ['init gives a finite state whose moments mirror the params', breakIt({ init: (p) => ({ count: NaN, m: tree.zerosLike(p) }) })],
  ['init gives a finite state whose moments mirror the params', breakIt({ init: (p) => ({ count: 0, m: tree.cast(p, 'float64') }) })],
  // update: changes the dtypes / overflows
  ['update keeps structure, shapes and dtypes', breakIt({ update: (g, s) => [tree.cast(g, 'float64'), s] })],
  ['update keeps structure, shapes and dtypes', breakIt({ update: (g, s) => [tree.scale(Infinity, g), s] })],
  // a hidden counter makes repeated calls differ
  ['same inputs give bit-identical outputs', (() => {
    let calls = 0
    return breakIt({ update: (g, s) => [tree.scale(1 + 1e-6 * calls++, g), s] })
  })()],
  // writes into the gradient's storage
  ['no input is modified', breakIt({ update: (g, s) => {
    tree.leaves(g).forEach((l) => typeof l !== 'number' && l.size > 0 && ((l.data as Float32Array)[0] = 0))
    return [g, s]
  } })],
  // the state grows a field after the first step
  ['state structure is stable across steps', breakIt({ update: (g, s) => [g, s.count === 0 ? { count: 1, m: s.m, extra: 1 } : s] })],
  // reacts to an extra argument it does not know
  ['unknown extra args are ignored', breakIt({ update: (g, s, _p, extra) => [extra === undefined ? g : tree.scale(2, g), s] })],
  ['chain(identity(), t) ≡ t ≡ chain(t, identity())', initCounting()],
  ['chain is associative', initCounting()],
]

describe('the laws catch broken transforms', () => {
  it.each(Object.keys(LAWS))('a correct momentum transform passes: %s', (law) => {
    LAWS[law as keyof typeof LAWS](ok)
  })
  it.each(broken.map(([law, tx], i) => [`${law} (#${i})`, law, tx] as const))('%s fails', (_, law, tx) => {
    expect(() => LAWS[law]({ ...ok, make: () => tx })).toThrow()
  })
})

// `stateless0` is reused by the helper's own sanity test below: identity is its own chain unit.
describe('law suite helpers', () => {
  it('lawParams has a null subtree, a float64 leaf, a 0-d tensor and a number leaf', async () => {
    const { lawParams } = await import('../_helpers/lawSuite')
    const p = lawParams() as Record<string, PyTree>
    expect(p.frozen).toBeNull()
    const leaves = tree.leaves(p)
    expect(leaves.some((l) => typeof l === 'number')).toBe(true)
    expect(leaves.some((l) => typeof l !== 'number' && l.dtype === 'float64')).toBe(true)
    expect(leaves.some((l) => typeof l !== 'number' && l.shape.length === 0)).toBe(true)
    expect(tree.leaves(lawParams({ numberLeaf: false })).some((l) => typeof l === 'number')).toBe(false)
    expect(stateless0.make().init(p)).toEqual({})
  })
})
