import { describe, expect, it } from 'vitest'
import {
  type PyTree,
  applyUpdates,
  DescentError,
  chain,
  diagnosesOf,
  healthCheck,
  initTrainState,
  loadCheckpoint,
  saveCheckpoint,
  sgd,
  tensor,
  tree,
} from '../../src/index'
import { expectTreesEqual } from '../_helpers/assertions'

const f = (p: PyTree) => tree.sum(tree.mapElementwise((x) => x * x, p)) // Σw², gradient 2w
const g = (p: PyTree) => tree.scale(2, p)

function loop(lr: number, steps: number, apply = true) {
  const opt = chain(healthCheck(), sgd(lr))
  let params: PyTree = { w: tensor([1, -2, 0.5]) }
  let state = opt.init(params)
  for (let i = 0; i < steps; i++) {
    const [u, next]: readonly [PyTree, typeof state] = opt.update(g(params), state, params, { value: f(params) })
    if (apply) params = applyUpdates(params, u)
    state = next
  }
  return { params, state, opt }
}

describe('healthCheck', () => {
  it('a loop that forgets params = applyUpdates(...): paramsNotUpdated at step 1 with the fix', () => {
    const d = diagnosesOf(loop(0.1, 5, false).state[0])
    expect(d.map((x) => x.code)).toEqual(['paramsNotUpdated'])
    expect(d[0]).toMatchObject({ severity: 'error', step: 1 })
    expect(d[0]!.fix).toMatch(/applyUpdates/)
  })

  it('a loop that forgets state = next: stateNotUpdated thrown at the second step, naming the fix', () => {
    const opt = chain(healthCheck(), sgd(0.1))
    let params: PyTree = { w: tensor([1, -2, 0.5]) }
    const s0 = opt.init(params)
    const [u0] = opt.update(g(params), s0, params) // step 0: the state init returned, with init's params: fine
    params = applyUpdates(params, u0)
    let caught: unknown
    try {
      opt.update(g(params), s0, params) // step 1: init's state again, but the params moved
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(DescentError)
    expect((caught as DescentError).code).toBe('stateNotUpdated')
    expect((caught as DescentError).message).toMatch(/does not keep the state that update returns/)
    expect((caught as DescentError).message).toMatch(/state = next/)
    // Not a false alarm: init's state with init's params again (a retried first step) is fine.
    expect(() => opt.update(g(params), s0, { w: tensor([1, -2, 0.5]) })).not.toThrow()
  })

  it('a correct loop at a stable learning rate records nothing, and passes the updates through unchanged', () => {
    const { state, params } = loop(0.1, 300)
    expect(diagnosesOf(state[0])).toEqual([])
    // chain(healthCheck(), sgd) ≡ sgd: GD on Σw² with η = 0.1 multiplies w by 0.8 per step.
    const plain = sgd(0.1)
    let p: PyTree = { w: tensor([1, -2, 0.5]) }
    let s = plain.init(p)
    for (let i = 0; i < 300; i++) {
      const [u, n]: readonly [PyTree, typeof s] = plain.update(g(p), s, p)
      p = applyUpdates(p, u)
      s = n
    }
    expectTreesEqual(params, p)
  })

  it('an unstable learning rate with the loss passed as extra.value: lossDiverging', () => {
    const d = diagnosesOf(loop(1.5, 20).state[0])
    expect(d.map((x) => x.code)).toEqual(['lossDiverging'])
  })

  it('a NaN gradient: nonFinite', () => {
    const tx = healthCheck()
    const p = { w: tensor([0, 1]) }
    const [u, s] = tx.update({ w: tensor([NaN, 1]) }, tx.init(p), p)
    expect(diagnosesOf(s)[0]).toMatchObject({ code: 'nonFinite', severity: 'error', step: 0 })
    expect(Number.isNaN(u.w.dataSync()[0]!)).toBe(true) // passed through, not hidden
  })

  it('its state is plain numbers: it checkpoints and resumes with the same findings', () => {
    const { state, opt } = loop(0.1, 5, false)
    expect(diagnosesOf(state[0]).length).toBe(1)
    const p0 = { w: tensor([1, -2, 0.5]) }
    const back = loadCheckpoint(saveCheckpoint({ params: p0, optState: state, step: 5 }), initTrainState(p0, opt))
    expect(diagnosesOf((back.optState as typeof state)[0])).toEqual(diagnosesOf(state[0]))
  })
})
