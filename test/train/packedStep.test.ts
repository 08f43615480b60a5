/**
 * The pure fused Adam step over a small tree runs every leaf in one kernel call (kernels/fused/adamwPacked.ts): the
 * params, the state and every StepInfo number must be the bits of the unfused chain (update, applyUpdates, tree.norm)
 * and of the donated step (leaf by leaf), over odd leaf sizes and a step with a non-finite gradient.
 */
import { describe, expect, it } from 'vitest'
import {
  type GradientTransformation,
  type PyTree,
  type Tensor,
  adamw,
  applyUpdates,
  initTrainState,
  isTensor,
  nadamw,
  ops,
  tensor,
  trainStep,
  tree,
  valueAndGrad,
} from '../../src/index'
import { wasmAvailable } from '../../src/kernels/wasm/index'
import { f32 } from '../_helpers/adamwInputs'
import { expectTreesEqual } from '../_helpers/assertions'

type P = { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor }
type B = { x: Tensor; y: Tensor }

// 30·17 + 17 + 17·5 + 5 = 617 elements: every leaf but w1 has a scalar tail, and b2 ends mid 8-block.
const [din, dh, dout, batch] = [30, 17, 5, 8]
const params: P = {
  w1: tensor(f32(din * dh, 1, 0.3), [din, dh]),
  b1: tensor(f32(dh, 2, 0.1), [dh]),
  w2: tensor(f32(dh * dout, 3, 0.3), [dh, dout]),
  b2: tensor(new Float32Array(dout), [dout]),
}
const onehot = new Float32Array(batch * dout).map((_, i) => (i % dout === Math.floor(i / dout) % dout ? 1 : 0))
const batchAt = (t: number): B => {
  const x = f32(batch * din, 10 + t)
  if (t === 3) x[7] = NaN // a non-finite gradient: the step is refused
  return { x: tensor(x, [batch, din]), y: tensor(onehot, [batch, dout]) }
}
const loss = (p: P, b: B) =>
  ops.neg(
    ops.mean(
      ops.sum(ops.mul(ops.logSoftmax(ops.linear(ops.relu(ops.linear(b.x, p.w1, p.b1)), p.w2, p.b2), -1), b.y), {
        axis: 1,
      }),
    ),
  )
const infoNumbers = (i: { loss: number; gradNorm: number; updateNorm: number; paramNorm: number }) => [
  i.loss,
  i.gradNorm,
  i.updateNorm,
  i.paramNorm,
]

describe.runIf(wasmAvailable())('the pure Adam step over a small tree (one packed kernel call)', () => {
  it.each([
    ['adamw', () => adamw(1e-2, { weightDecay: 1e-3 })],
    ['nadamw, eps 0', () => nadamw(1e-2, { eps: 0, epsRoot: 1e-9 })],
  ] as const)('%s: the bits of the unfused chain and of the donated step, StepInfo included', (_, make) => {
    const opt = make() as GradientTransformation<unknown>
    const pure = trainStep(loss, opt)
    const donated = trainStep(loss, opt, { donate: true })
    let [a, d] = [initTrainState(params, opt), initTrainState(params, opt)]
    let ref = { params: params as PyTree, state: opt.init(params) }
    for (let t = 0; t < 6; t++) {
      const b = batchAt(t)
      const held = tree.leaves([a.params, a.optState as PyTree]).map((x) => (isTensor(x) ? x.data.slice() : x))
      const before = a
      const [na, ia] = pure(a, b)
      const [nd, id] = donated(d, b)
      // The state passed in is never written.
      expect(tree.leaves([before.params, before.optState as PyTree]).map((x) => (isTensor(x) ? x.data : x))).toEqual(
        held,
      )
      const [value, g] = valueAndGrad((q: P) => loss(q, b))(ref.params as P)
      if (t === 3) {
        expect(ia.diagnoses.map((x) => x.code)).toContain('nonFinite')
        expect(na).toBe(a)
      } else {
        const [u, s] = opt.update(g, ref.state, ref.params)
        ref = { params: applyUpdates(ref.params, u), state: s }
        expect(
          infoNumbers(ia).map((x, i) =>
            Object.is(x, [value.item(), tree.norm(g), tree.norm(u), tree.norm(ref.params)][i]),
          ),
        ).toEqual([true, true, true, true])
      }
      expect(infoNumbers(ia).map((x, i) => Object.is(x, infoNumbers(id)[i]))).toEqual([true, true, true, true])
      expect(ia.layerGradRms).toEqual(id.layerGradRms)
      expect(ia.deadUnits).toEqual(id.deadUnits)
      expectTreesEqual({ p: na.params, s: na.optState as PyTree }, { p: ref.params, s: ref.state as PyTree })
      expectTreesEqual({ p: na.params, s: na.optState as PyTree }, { p: nd.params, s: nd.optState as PyTree })
      ;[a, d] = [na, nd]
    }
  })

  it('a pure step’s state (views of one buffer) passed on to donated steps: they never write the pure results', () => {
    const opt = adamw(1e-2, { weightDecay: 1e-3 })
    const pure = trainStep(loss, opt)
    const donated = trainStep(loss, opt, { donate: true })
    const [s1] = pure(initTrainState(params, opt), batchAt(0))
    const [s2] = pure(s1, batchAt(1))
    const snapshot = (s: typeof s1) =>
      tree.leaves([s.params, s.optState as PyTree]).map((x) => (isTensor(x) ? x.data.slice() : x))
    const [held1, held2] = [snapshot(s1), snapshot(s2)]
    // The reference: the same steps, all pure.
    let ref = s2
    let d = s2
    for (const t of [2, 4, 5]) {
      ;[d] = donated(d, batchAt(t)) // (batch 3 holds a NaN)
      ;[ref] = pure(ref, batchAt(t))
      expect(snapshot(s1)).toEqual(held1)
      expect(snapshot(s2)).toEqual(held2)
    }
    expectTreesEqual({ p: d.params, s: d.optState as PyTree }, { p: ref.params, s: ref.optState as PyTree })
  })
})
