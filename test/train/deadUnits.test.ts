import { describe, expect, it } from 'vitest'
import {
  type Diagnosis,
  type Tensor,
  applyUpdates,
  chain,
  diagnosesOf,
  fit,
  glorotUniform,
  grad,
  heNormal,
  healthCheck,
  initTrainState,
  ops,
  prngKey,
  randomNormal,
  sgd,
  splitKey,
  tensor,
  trainStep,
} from '../../src/index'
import { gradStats } from '../../src/train/gradStats'
import { initMonitor, monitorStep } from '../../src/train/monitor'

// Issue 9, deadUnits: ReLU units inactive on every example get an exactly zero gradient in their whole column of the
// weight matrix (x @ W, W of shape [in, out]) and never recover. AUTOTRAINER calls a layer dying when ≥ 70 % of its
// gradients are 0; here a unit is dead at a step when its column is exactly 0 on the whole batch, and the warning
// needs ≥ 70 % of a leaf's units dead for 10 steps running while the gradient as a whole is not 0.

const keys = splitKey(prngKey(7), 4)
const data = { x: randomNormal(keys[2]!, [64, 16]), y: randomNormal(keys[3]!, [64, 1]) }
type Params = { hidden: { w: Tensor; b: Tensor }; out: { w: Tensor; b: Tensor } }
const hiddenOf = (p: Params, x: Tensor) => ops.relu(ops.add(ops.matmul(x, p.hidden.w), p.hidden.b))
const loss = (p: Params, d: typeof data) =>
  ops.mean(ops.square(ops.sub(ops.add(ops.matmul(hiddenOf(p, d.x), p.out.w), p.out.b), d.y)))
const net = (bias: number, init = glorotUniform): Params => ({
  hidden: { w: init(keys[0]!, [16, 32]), b: tensor(new Float32Array(32).fill(bias), [32]) },
  out: { w: glorotUniform(keys[1]!, [32, 1]), b: tensor([0]) },
})
const collect = () => {
  const seen: Diagnosis[] = []
  return { seen, onDiagnosis: (d: Diagnosis) => void seen.push(d) }
}

describe('deadUnits', () => {
  it('a ReLU layer with bias −10 (every unit inactive on every input): a warning naming the leaf, 100 %, step 9', () => {
    // Pre-activations x·w − 10 with |x·w| ≲ 5 here: relu gives 0 and a zero derivative for every example and unit.
    const pre = ops.add(ops.matmul(data.x, net(-10).hidden.w), net(-10).hidden.b)
    expect((pre.toArray() as number[][]).every((row) => row.every((v) => v < 0))).toBe(true)
    const { seen, onDiagnosis } = collect()
    const run = fit({ loss, optimizer: sgd(0.05), params: net(-10), data: [data], epochs: 30, onDiagnosis })
    expect(seen.map((d) => [d.code, d.severity, d.path, d.step])).toEqual([
      ['deadUnits', 'warning', 'grads.hidden.w', 9],
    ])
    expect(seen[0]!.message).toMatch(/^100 % of the units of grads\.hidden\.w \(its columns\)/)
    expect(seen[0]!.message).toContain('for 10 steps running')
    expect(seen[0]!.fix).toMatch(/lower the learning rate/)
    expect(seen[0]!.fix).toMatch(/He initialisation \(heNormal\)/)
    expect(seen[0]!.fix).toMatch(/leakyRelu \/ gelu/)
    expect(run.stopped).toBe('completed') // a warning: the run goes on
    // The hidden weights never moved: their gradient was exactly 0 at every step.
    expect(run.state.params.hidden.w.toArray()).toEqual(net(-10).hidden.w.toArray())
  })

  it('the fix (biases at 0, He initialisation) is silent and the hidden layer learns', () => {
    const { seen, onDiagnosis } = collect()
    const run = fit({ loss, optimizer: sgd(0.05), params: net(0, heNormal), data: [data], epochs: 30, onDiagnosis })
    expect(seen).toEqual([])
    expect(run.state.params.hidden.w.toArray()).not.toEqual(net(0, heNormal).hidden.w.toArray())
  })

  it('trainStep measures it per step in info.deadUnits (per weight leaf), and not with diagnostics off', () => {
    const step = trainStep(loss, sgd(0.05))
    const [, info] = step(initTrainState(net(-10), sgd(0.05)), data)
    // out.w has one column (one output unit): too few to speak of a fraction of units.
    expect(info.deadUnits).toEqual({ 'grads.hidden.w': 1 })
    expect(info.diagnoses).toEqual([]) // one step is no evidence: the warning needs a window (fit, healthCheck)
    const [, healthy] = step(initTrainState(net(0, heNormal), sgd(0.05)), data)
    expect(healthy.deadUnits['grads.hidden.w']).toBeLessThan(0.3)
    const off = trainStep(loss, sgd(0.05), { diagnostics: false })
    expect(off(initTrainState(net(-10), sgd(0.05)), data)[1].deadUnits).toEqual({})
  })

  it('healthCheck in a hand-written loop: deadUnits naming the leaf when given the params', () => {
    const optimizer = chain(healthCheck(), sgd(0.05))
    let params = net(-10)
    let state = optimizer.init(params)
    const g = grad((p: Params) => loss(p, data))
    for (let i = 0; i < 12; i++) {
      const [updates, next] = optimizer.update(g(params), state, params)
      params = applyUpdates(params, updates)
      state = next
    }
    const [found] = diagnosesOf(state[0], params)
    expect([found?.code, found?.severity, found?.path, found?.step]).toEqual([
      'deadUnits',
      'warning',
      'grads.hidden.w',
      9,
    ])
    expect(found!.message).toMatch(/^100 % of the units/)
    expect(diagnosesOf(state[0])[0]!.path).toMatch(/^weight leaf #0/) // without the params: the leaf's index
  })

  it('a param the loss never reads is disconnectedParam, not deadUnits', () => {
    const { seen, onDiagnosis } = collect()
    const withUnused = { ...net(0, heNormal), spare: { w: glorotUniform(keys[0]!, [4, 8]) } }
    fit({
      loss: (p: typeof withUnused, d: typeof data) => loss(p, d),
      optimizer: sgd(0.05),
      params: withUnused,
      data: [data],
      epochs: 20,
      onDiagnosis,
    })
    expect(seen.map((d) => [d.code, d.path])).toEqual([['disconnectedParam', 'params.spare.w']])
  })
})

describe('gradStats: the fraction of zero columns', () => {
  it('counts the columns that are 0 throughout; zero rows (inputs always 0, as MNIST’s border pixels) do not count', () => {
    // Columns 1 and 3 are 0 in every row; row 0 is 0 everywhere (an input feature that is 0 on the whole batch).
    const g = tensor([
      [0, 0, 0, 0],
      [1, 0, 2, 0],
      [0, 0, -3, 0],
    ])
    expect(gradStats({ w: g }, { deadUnits: true }).deadUnits).toEqual({ 'grads.w': 0.5 })
    const inputsOnly = tensor([
      [0, 0, 0],
      [0, 0, 0],
      [1, 2, 3],
    ])
    expect(gradStats({ w: inputsOnly }, { deadUnits: true }).deadUnits).toEqual({ 'grads.w': 0 })
  })

  it('leaves out vectors, single columns, skipped leaves, and a gradient that is 0 altogether (converged)', () => {
    const g = { b: tensor([0, 0, 0]), head: tensor([[0], [0]]), w: tensor([[0, 1]]), v: tensor([[0, 0]]) }
    expect(gradStats(g, { deadUnits: true, skip: ['grads.v'] }).deadUnits).toEqual({ 'grads.w': 0.5 })
    expect(gradStats({ w: tensor([[0, 0]]) }, { deadUnits: true }).deadUnits).toEqual({})
    expect(gradStats(g).deadUnits).toEqual({}) // only when asked for
  })
})

describe('the deadUnits rule of the run monitor', () => {
  const feed = (fractions: readonly number[], o = {}) => {
    let s = initMonitor(o)
    const out: Diagnosis[] = []
    fractions.forEach((f, i) => {
      const [n, found] = monitorStep(s, 1 / (1 + i), i, {}, o, { 'grads.a': 0.1, 'grads.b': f })
      s = n
      out.push(...found)
    })
    return out
  }
  it('fires once, at the 10th step running with ≥ 70 % of a leaf’s units dead, naming the worst leaf', () => {
    expect(feed(Array(9).fill(0.8))).toEqual([])
    const found = feed(Array(30).fill(0.75))
    expect(found.map((d) => [d.code, d.path, d.step])).toEqual([['deadUnits', 'grads.b', 9]])
    expect(found[0]!.message).toMatch(/^75 % of the units of grads\.b/)
  })
  it('a step below the threshold starts the count again; 60 % never fires; the thresholds are options', () => {
    expect(feed([...Array(9).fill(0.9), 0.5, ...Array(9).fill(0.9)])).toEqual([])
    expect(feed(Array(50).fill(0.6))).toEqual([])
    expect(feed(Array(5).fill(0.6), { deadUnitFraction: 0.5, deadUnitSteps: 5 }).map((d) => d.step)).toEqual([4])
  })
})

describe('gradStats deadUnits: a column is dead when it is 0 in every row, wherever its non-zero sits', () => {
  it('non-zeros only in the first row, only in the last row, and one column 0 throughout: 1 of 4 dead', () => {
    // 5×4, row-major; the scan starts at the middle row, so the first and last rows are reached by wrapping around.
    const g = [9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, -3]
    const { deadUnits } = gradStats({ w: tensor(g, [5, 4]) }, { deadUnits: true })
    expect(deadUnits).toEqual({ 'grads.w': 0.25 })
  })

  it('every row count from 1 to 7 and every position of a lone non-zero: 2 of 3 columns dead', () => {
    for (let rows = 1; rows <= 7; rows++) {
      for (let at = 0; at < rows * 3; at++) {
        const g = new Array<number>(rows * 3).fill(0)
        g[at] = 1
        const { deadUnits } = gradStats({ w: tensor(g, [rows, 3]) }, { deadUnits: true })
        expect(deadUnits['grads.w']).toBeCloseTo(2 / 3, 15)
      }
    }
  })
})

describe('gradStats deadUnits: the fraction of all-zero columns', () => {
  it('matches a count over every column, on matrices with dead columns, zero rows and negative zeros', () => {
    let x = 5
    const rand = () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    for (const [rows, cols] of [
      [1, 2],
      [3, 5],
      [784, 128],
      [17, 40],
    ] as const) {
      for (const deadShare of [0, 0.1, 0.5, 1]) {
        const dead = Array.from({ length: cols }, () => rand() < deadShare)
        const zeroRow = Array.from({ length: rows }, () => rand() < 0.3)
        const data = new Float32Array(rows * cols)
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            // A live column is non-zero in a few random rows only (possibly none: then it counts as dead too).
            if (!dead[c]! && !zeroRow[r]! && rand() < 0.05) data[r * cols + c] = rand() - 0.5
          }
        }
        if (rows > 2) data[2 * cols + 1] = -0 // −0 is a zero gradient
        let zeroCols = 0
        for (let c = 0; c < cols; c++) {
          let allZero = true
          for (let r = 0; r < rows; r++) if (data[r * cols + c] !== 0) allZero = false
          if (allZero) zeroCols++
        }
        const w = tensor(data, [rows, cols])
        // The dead-unit figure is measured only when the gradient is not 0 altogether: a live bias keeps it so.
        const stats = gradStats({ w, b: tensor([1]) }, { deadUnits: true })
        expect(stats.deadUnits['grads.w']).toBe(zeroCols / cols)
      }
    }
  })
})
