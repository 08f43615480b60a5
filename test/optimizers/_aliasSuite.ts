import { describe, expect, it } from 'vitest'
import {
  type DType,
  type ExtraArgs,
  type GradientTransformation,
  type PyTree,
  type ScalarOrSchedule,
  type Tensor,
  applyUpdates,
  isTensor,
  prngKey,
  randomNormal,
  splitKey,
  tensor,
  tree,
} from '../../src/index'
import { expectInputsUnchanged, expectSameStructure, expectTreesEqual } from '../_helpers/assertions'

// Transforms of any state type (GradientTransformation is contravariant in its state).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTransformation = GradientTransformation<any>

/** Params of the equivalence tests: two tensor leaves of different shapes. */
export interface Params {
  readonly [key: string]: Tensor
  readonly w: Tensor
  readonly b: Tensor
}

export const makeParams = (dtype: DType = 'float32'): Params => ({
  w: tensor(
    [
      [0.5, -1, 2],
      [3, -0.25, 0],
    ],
    dtype,
  ),
  b: tensor([1, -2, 0.125], dtype),
})

/** A deterministic gradient at step t: 2·θ (Σθ²) plus fixed N(0, 1) noise, so params, steps and signs all matter. */
export function gradAt(params: Params, t: number): Params {
  const [kw, kb] = splitKey(prngKey(1000 + t)) as [ReturnType<typeof prngKey>, ReturnType<typeof prngKey>]
  const noise: Params = {
    w: randomNormal(kw, params.w.shape, { dtype: params.w.dtype }),
    b: randomNormal(kb, params.b.shape, { dtype: params.b.dtype }),
  }
  return tree.mapElementwise((p, n) => 2 * p + n, params, noise)
}

export interface Step {
  readonly updates: PyTree
  readonly state: unknown
  readonly params: PyTree
}

/** Runs `steps` updates from `params0`, applying each; returns the initial state and every step's results. */
export function trajectory(
  tx: AnyTransformation,
  params0: Params,
  steps: number,
  extra?: ExtraArgs,
): { readonly init: unknown; readonly steps: readonly Step[] } {
  const init = tx.init(params0)
  let params = params0
  let state = init
  const out: Step[] = []
  for (let t = 0; t < steps; t++) {
    const g = gradAt(params, t)
    const [updates, next] = extra === undefined ? tx.update(g, state, params) : tx.update(g, state, params, extra)
    params = applyUpdates(params, updates)
    state = next
    out.push({ updates, state, params })
  }
  return { init, steps: out }
}

/** A decaying learning-rate schedule, so a count that is off by one changes the result. */
export const schedule = (base: number) => (count: number) => base / (1 + 0.5 * count)

export interface AliasCase {
  /** Label shown in the test name. */
  readonly label: string
  /** The alias under test, at a learning rate. */
  readonly alias: (lr: ScalarOrSchedule) => AnyTransformation
  /** The hand-written chain of transforms it must equal bit for bit. */
  readonly reference: (lr: ScalarOrSchedule) => AnyTransformation
}

const STEPS = 6

/** The float tensors in a tree of states (states may hold numbers and nested records). */
const tensorsIn = (x: unknown): Tensor[] => {
  if (isTensor(x)) return [x]
  if (Array.isArray(x)) return x.flatMap(tensorsIn)
  if (typeof x === 'object' && x !== null) return Object.values(x).flatMap(tensorsIn)
  return []
}

/**
 * The shared suite of an alias: bit-identical to its hand-written chain (number and schedule learning rates, several
 * steps, every state), dtype preserved, state structure stable, unknown extra arguments ignored, inputs unchanged.
 */
export function aliasSuite(name: string, cases: readonly AliasCase[], lr = 0.05): void {
  describe(`${name}: equals its hand-written chain`, () => {
    describe.each(cases)('$label', ({ alias, reference }) => {
      it('bit-identical over several steps with a number learning rate', () => {
        expectTreesEqual(trajectory(alias(lr), makeParams(), STEPS), trajectory(reference(lr), makeParams(), STEPS))
      })

      it('bit-identical over several steps with a schedule learning rate', () => {
        const a = trajectory(alias(schedule(lr)), makeParams(), STEPS)
        expectTreesEqual(a, trajectory(reference(schedule(lr)), makeParams(), STEPS))
        // The schedule really is used: the result differs from the constant learning rate.
        const constant = trajectory(alias(lr), makeParams(), STEPS)
        expect(tree.allClose(a.steps[STEPS - 1]!.params, constant.steps[STEPS - 1]!.params)).toBe(false)
      })

      it('bit-identical with float64 params', () => {
        const p = makeParams('float64')
        expectTreesEqual(trajectory(alias(lr), p, STEPS), trajectory(reference(lr), p, STEPS))
      })
    })
  })

  describe(`${name}: contract`, () => {
    describe.each(cases)('$label', ({ alias }) => {
      it.each(['float32', 'float64'] as const)('keeps %s params, updates and state tensors in that dtype', (dtype) => {
        const run = trajectory(alias(lr), makeParams(dtype), STEPS)
        for (const step of run.steps) {
          for (const t of [...tensorsIn(step.params), ...tensorsIn(step.updates), ...tensorsIn(step.state)]) {
            expect(t.dtype).toBe(dtype)
          }
        }
      })

      it('keeps the state structure stable across steps (init included)', () => {
        for (const learningRate of [lr, schedule(lr)]) {
          const run = trajectory(alias(learningRate), makeParams(), STEPS)
          for (const step of run.steps) expectSameStructure(step.state as PyTree, run.init as PyTree)
        }
      })

      it('updates have the structure, shapes and dtypes of the gradients', () => {
        const run = trajectory(alias(lr), makeParams(), 2)
        for (const step of run.steps) expectSameStructure(step.updates, makeParams())
      })

      it('ignores unknown extra arguments', () => {
        const extra: ExtraArgs = { unexpectedExtraArg: 1 }
        expectTreesEqual(trajectory(alias(lr), makeParams(), STEPS, extra), trajectory(alias(lr), makeParams(), STEPS))
      })

      it('never modifies its inputs', () => {
        const tx = alias(schedule(lr))
        const params = makeParams()
        const state = tx.init(params)
        const g = gradAt(params, 0)
        const [, s1] = expectInputsUnchanged(() => tx.update(g, state, params), g, state, params)
        expectInputsUnchanged(() => tx.update(g, s1, params), g, s1, params)
      })

      it('is pure: the same inputs give the same outputs', () => {
        const tx = alias(lr)
        const params = makeParams()
        const state = tx.init(params)
        const g = gradAt(params, 0)
        expectTreesEqual(tx.update(g, state, params), tx.update(g, state, params))
      })

      it('decreases Σθ² + noise·θ from the test params over a few steps', () => {
        // Loss whose gradient is gradAt at step 0: f(θ) = Σθ² + ⟨n, θ⟩ (fixed noise n).
        const p0 = makeParams('float64')
        const n = tree.sub(gradAt(p0, 0), tree.scale(2, p0))
        const loss = (p: PyTree) => tree.vdot(p, p) + tree.vdot(n, p)
        const tx = alias(lr)
        let params = p0
        let state = tx.init(params)
        for (let t = 0; t < 10; t++) {
          const [u, s] = tx.update(tree.add(tree.scale(2, params), n), state, params)
          params = applyUpdates(params, u)
          state = s
        }
        expect(loss(params)).toBeLessThan(loss(p0))
      })
    })
  })
}
