import { describe, expect, it, vi } from 'vitest'
import {
  type PyTree,
  type Tensor,
  DescentError,
  ShapeError,
  adamw,
  batches,
  chain,
  fit,
  initTrainState,
  isTensor,
  loadCheckpoint,
  ops,
  prngKey,
  reduceOnPlateau,
  saveCheckpoint,
  sgd,
  splitKey,
  tensor,
  tree,
  trainStep,
} from '../../src/index'
import { progressLine, terminalProgress } from '../../src/train/progress'
import { expectTreesEqual } from '../_helpers/assertions'
import { CASES, C, makeParams } from '../_helpers/optimizerCases'

type Line = { w: Tensor; b: Tensor }
type XY = { x: Tensor; y: Tensor }
// y = 2x + 1 on 16 points
const xs = Array.from({ length: 16 }, (_, i) => i / 8)
const DATA: XY = { x: tensor(xs), y: tensor(xs.map((x) => 2 * x + 1)) }
const mse = (p: Line, d: XY) => ops.mean(ops.square(ops.sub(ops.add(ops.mul(p.w, d.x), p.b), d.y)))
const P0: Line = { w: tensor(0), b: tensor(0) }
const shuffled = (_epoch: number, key: readonly [number, number]) => batches(DATA, { batchSize: 4, key })

describe('fit', () => {
  it('trains, records every step and epoch, and equals trainStep run by hand over the same batches', () => {
    const r = fit({ loss: mse, optimizer: adamw(0.05), params: P0, data: shuffled, epochs: 5, key: prngKey(3) })
    expect(r.stopped).toBe('completed')
    expect(r.history.steps.map((s) => s.step)).toEqual(Array.from({ length: 20 }, (_, i) => i))
    expect(r.history.epochs.map((e) => [e.epoch, e.step])).toEqual([0, 1, 2, 3, 4].map((e) => [e, 4 * (e + 1)]))
    // The epoch's trainLoss is the mean of its steps' losses.
    r.history.epochs.forEach((e) => {
      const own = r.history.steps.filter((s) => s.epoch === e.epoch).map((s) => s.loss)
      expect(e.trainLoss).toBe(own.reduce((a, b) => a + b, 0) / own.length)
    })
    // By hand: pure trainStep over the batches of batches(DATA, key_e), key_e = the e-th of e+1 keys split from key.
    const step = trainStep(mse, adamw(0.05))
    let state = initTrainState(P0, adamw(0.05))
    const losses: number[] = []
    for (let e = 0; e < 5; e++) {
      for (const b of shuffled(e, epochKeyOf(prngKey(3), e))) {
        const [next, info] = step(state, b)
        losses.push(info.loss)
        state = next
      }
    }
    expect(r.history.steps.map((s) => s.loss)).toEqual(losses)
    expectTreesEqual({ p: r.state.params, s: r.state.optState }, { p: state.params, s: state.optState })
  })

  it('never modifies the params it is given, and what it returns is not changed by a later fit', () => {
    const p0 = { w: tensor(0.5), b: tensor(-0.5) }
    const r1 = fit({ loss: mse, optimizer: adamw(0.05), params: p0, data: [DATA], epochs: 3 })
    expect([p0.w.item(), p0.b.item()]).toEqual([0.5, -0.5])
    const snapshot = JSON.stringify({
      p: tree.leaves(r1.state.params).map((x) => (isTensor(x) ? Array.from(x.data) : x)),
      h: r1.history,
    })
    fit({ loss: mse, optimizer: adamw(0.05), state: r1.state, data: [DATA], epochs: 6 })
    expect(
      JSON.stringify({
        p: tree.leaves(r1.state.params).map((x) => (isTensor(x) ? Array.from(x.data) : x)),
        h: r1.history,
      }),
    ).toBe(snapshot)
  })

  it('passes the step loss to reduceOnPlateau as extra.value (the lr scale drops on a plateau)', () => {
    // A constant loss never improves: after patience steps the scale is multiplied by factor.
    const flat = (p: Line, _d: XY) => ops.add(ops.mul(p.w, 0), 1)
    const tx = chain(sgd(0.1), reduceOnPlateau({ factor: 0.5, patience: 2, cooldown: 0 }))
    const r = fit({ loss: flat, optimizer: tx, params: P0, data: [DATA], epochs: 4, diagnostics: false })
    const scale = (r.state.optState as readonly [unknown, { scale: number }])[1].scale
    expect(scale).toBeLessThan(1)
  })

  it('early stopping stops after `patience` epochs without improvement and restores the best epoch’s params', () => {
    const script = [5, 4, 3, 3.5, 3.6, 3.7, 3.8]
    const run = (epochs: number) =>
      fit({
        loss: mse,
        optimizer: sgd(0.01),
        params: P0,
        data: [DATA],
        epochs,
        evaluate: (_p, epoch) => script[epoch]!,
        earlyStopping: { patience: 2 },
      })
    const r = run(7)
    expect(r.stopped).toBe('earlyStopping')
    expect(r.history.epochs.length).toBe(5) // epochs 3 and 4 do not improve on 3 → stop after epoch 4
    expectTreesEqual(r.state.params, run(3).state.params) // the params at the end of epoch 2
  })

  it('a batch of another shape is a ShapeError naming the path and the step; the caller loses nothing', () => {
    const bad = { x: tensor([[1, 2]]), y: tensor([1]) }
    const p0 = { w: tensor(0.5), b: tensor(0) }
    expect(() => fit({ loss: mse, optimizer: sgd(0.1), params: p0, data: [DATA, bad as unknown as XY] })).toThrow(
      ShapeError,
    )
    expect(() => fit({ loss: mse, optimizer: sgd(0.1), params: p0, data: [DATA, bad as unknown as XY] })).toThrow(
      /batch\.x at step 1 \(epoch 0\): shape \[1,2\] vs \[16\]/,
    )
    expect(p0.w.item()).toBe(0.5)
    // A smaller last batch is fine.
    const small = { x: tensor([1]), y: tensor([3]) }
    expect(fit({ loss: mse, optimizer: sgd(0.1), params: p0, data: [DATA, small] }).history.steps.length).toBe(2)
  })

  it('stops at a non-finite loss with a nonFinite diagnosis, and keeps the last finite params', () => {
    const logLoss = (p: Line, d: XY) => ops.mean(ops.log(ops.mul(p.w, d.x))) // log(0) at w·x = 0
    const r = fit({
      loss: logLoss,
      optimizer: sgd(0.1),
      params: { w: tensor(1), b: tensor(0) },
      data: [{ x: tensor([0]), y: tensor([0]) }],
      epochs: 3,
    })
    expect(r.stopped).toBe('diagnosis')
    expect(r.diagnoses[0]).toMatchObject({ code: 'nonFinite', severity: 'error', step: 0, path: 'loss' })
    expect(r.state.params.w.item()).toBe(1)
  })

  it('rejects a one-shot generator at the second epoch with a clear error', () => {
    function* once() {
      yield DATA
    }
    expect(() => fit({ loss: mse, optimizer: sgd(0.1), params: P0, data: once(), epochs: 2 })).toThrow(
      /no batch in epoch 1/,
    )
  })

  it('rejects bad options', () => {
    expect(() => fit({ loss: mse, optimizer: sgd(0.1), data: [DATA] })).toThrow(DescentError)
    expect(() => fit({ loss: mse, optimizer: sgd(0.1), params: P0, data: [DATA], epochs: -1 })).toThrow(
      'fit options.epochs',
    )
    expect(() =>
      fit({ loss: mse, optimizer: sgd(0.1), params: P0, data: [DATA], earlyStopping: { patience: 0 } }),
    ).toThrow('patience')
  })

  it('reports progress: a callback gets every step and every epoch end', () => {
    const events: string[] = []
    fit({
      loss: mse,
      optimizer: sgd(0.1),
      params: P0,
      data: shuffled,
      epochs: 2,
      progress: (e) => events.push(progressLine(e)),
    })
    expect(events.length).toBe(2 * 4 + 2)
    expect(events[3]).toMatch(/^epoch 1\/2 · step 4 · loss /)
  })

  it('progress: true rewrites one line on a TTY and prints one line per epoch elsewhere', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY')
    try {
      for (const isTTY of [true, false]) {
        write.mockClear()
        Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true })
        let t = 0
        const report = terminalProgress(() => (t += 1000))
        report({ epoch: 0, epochs: 1, step: 1, loss: 0.5, epochEnd: false })
        report({ epoch: 0, epochs: 1, step: 1, loss: 0.5, epochEnd: true })
        const out = write.mock.calls.map((c) => String(c[0]))
        if (isTTY)
          expect(out).toEqual([
            '\r\x1b[2Kepoch 1/1 · step 1 · loss 0.5000',
            '\r\x1b[2Kepoch 1/1 · step 1 · loss 0.5000\n',
          ])
        else expect(out).toEqual(['epoch 1/1 · step 1 · loss 0.5000\n'])
      }
    } finally {
      write.mockRestore()
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty)
      else delete (process.stderr as { isTTY?: boolean }).isTTY
    }
  })
})

/** fit's documented epoch key: the e-th of e + 1 keys split from the run's key. */
function epochKeyOf(key: readonly [number, number], e: number): readonly [number, number] {
  return splitKey(key, e + 1)[e]!
}

// ---- resuming fit from a checkpoint, for every alias and wrapper ----

type Weight = { s: Tensor }
/** f(θ) = s·Σ ¼(θ − c)⁴ + ½(θ − c)², written with ops; lookahead's params are { fast, slow } (f on fast). */
const caseLoss = (p: PyTree, b: Weight) => {
  const theta = (p as { fast?: PyTree }).fast ?? p
  const terms = tree.leaves(theta).map((x) => {
    const d = ops.sub(x as Tensor, C)
    return ops.sum(ops.add(ops.div(ops.square(ops.square(d)), 4), ops.div(ops.square(d), 2)))
  })
  return ops.mul(
    b.s,
    terms.reduce((a, t) => ops.add(a, t)),
  )
}
const WEIGHTS: Weight[] = [1, 0.5, 2, 0.75].map((s) => ({ s: tensor(s) }))
const N = 8

describe('fit resumed from a checkpoint equals the uninterrupted run bit for bit (params, state, history)', () => {
  // Cases driven by a scripted gradient (NaN injection, lookahead's fast-only gradient) are covered at the update
  // level by checkpoint.test.ts; here the gradient comes from the loss.
  const cases = CASES.filter((c) => c.grad === undefined)
  it.each(cases.map((c) => [c.label, c] as const))('%s, checkpoint at step 3 of 8 (mid-epoch)', (_, c) => {
    const p0 = (c.params ?? ((p) => p))(makeParams('float32'))
    const base = { loss: caseLoss, data: WEIGHTS, steps: N, stopOnError: false, onDiagnosis: () => {} }
    const full = fit({ ...base, optimizer: c.make(), params: p0 })
    const head = fit({ ...base, optimizer: c.make(), params: p0, steps: 3 })
    const text = saveCheckpoint(head.state)
    const rest = fit({ ...base, optimizer: c.make(), state: loadCheckpoint(text, initTrainState(p0, c.make())) })
    expectTreesEqual({ p: rest.state.params, s: rest.state.optState }, { p: full.state.params, s: full.state.optState })
    expect(rest.state.step).toBe(N)
    expect(rest.history.steps).toEqual(full.history.steps.slice(3))
    // The epoch the run resumes in reports the mean over the steps this run took; the later ones are the same.
    expect(rest.history.epochs[0]).toMatchObject({ epoch: 0, step: 4, trainLoss: full.history.steps[3]!.loss })
    expect(rest.history.epochs.slice(1)).toEqual(full.history.epochs.slice(1))
  })
})
