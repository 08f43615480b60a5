import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import {
  type DType,
  type PyTree,
  CheckpointError,
  DescentError,
  adam,
  initTrainState,
  isTensor,
  loadCheckpoint,
  loadCheckpointE,
  saveCheckpoint,
  sgd,
  tensor,
  tree,
  type TrainState,
} from '../../src/index'
import * as contrib from '../../src/contrib/index'
import * as optimizers from '../../src/optimizers/index'
import * as transforms from '../../src/transforms/index'
import { decodeBase64, encodeBase64, swapBytes } from '../../src/train/checkpointBytes'
import { expectInputsUnchanged, expectTreesEqual } from '../_helpers/assertions'
import { bitLeaf, rawBytes } from '../_helpers/bitArbitraries'
import {
  ALIASES,
  CASES,
  CONTRIB,
  type ResumeCase,
  type Run,
  TRANSFORMS,
  makeParams,
  run,
} from '../_helpers/optimizerCases'

const b64 = (bytes: readonly number[]): string => Buffer.from(bytes).toString('base64')
const errorOf = (text: string, template: TrainState): string => {
  const r = loadCheckpointE(text, template)
  if (E.isRight(r)) throw new Error('expected the checkpoint to be rejected')
  expect(r.left).toBeInstanceOf(CheckpointError)
  expect(r.left).toBeInstanceOf(DescentError)
  return r.left.message
}

describe('base64 of tensor bytes', () => {
  it('encodes the RFC 4648 test vectors', () => {
    const vectors: readonly (readonly [string, string])[] = [
      ['', ''],
      ['f', 'Zg=='],
      ['fo', 'Zm8='],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg=='],
      ['fooba', 'Zm9vYmE='],
      ['foobar', 'Zm9vYmFy'],
    ]
    for (const [plain, coded] of vectors) {
      const bytes = Uint8Array.from(plain, (c) => c.charCodeAt(0))
      expect(encodeBase64(bytes)).toBe(coded)
      expect(Array.from(decodeBase64(coded) as Uint8Array)).toEqual(Array.from(bytes))
    }
  })

  it('agrees with Node’s Buffer on random bytes, both ways', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64')
        expect(encodeBase64(bytes)).toBe(text)
        expect(Array.from(decodeBase64(text) as Uint8Array)).toEqual(Array.from(bytes))
      }),
      { seed: 8, numRuns: 200 },
    )
  })

  it('rejects text that is not canonical base64', () => {
    expect(decodeBase64('Zm9')).toMatch(/not a multiple of 4/)
    expect(decodeBase64('Zm9*')).toMatch(/outside the base64 alphabet/)
    expect(decodeBase64('Z=9v')).toMatch(/outside the base64 alphabet/)
    expect(decodeBase64('Zm9é')).toMatch(/outside the base64 alphabet/)
    expect(decodeBase64('Zh==')).toMatch(/padding bits/) // 'Zg==' is the only spelling of 'f'
  })

  it('swaps the bytes of each element (host ↔ little-endian on big-endian hosts)', () => {
    const swapped = swapBytes(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]), 4)
    expect(Array.from(swapped)).toEqual([4, 3, 2, 1, 8, 7, 6, 5])
    expect(Array.from(swapBytes(swapped, 4))).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })
})

describe('saveCheckpoint format', () => {
  it('writes the documented JSON, with tensors as little-endian base64 and special numbers as strings', () => {
    const state = {
      params: { w: tensor([1, 2]), b: tensor([-0], 'float64') },
      optState: [{ count: 3, best: Infinity, low: -Infinity, z: -0, n: NaN, on: true, tiny: 5e-324 }, null, []],
      step: 2,
    }
    // 1f = 0x3F800000 and 2f = 0x40000000 → bytes 00 00 80 3F 00 00 00 40 → "AACA" "PwAA" "AEA=" (by hand);
    // −0 (float64) = 0x8000000000000000 → bytes 00×7 80 → "AAAA" "AAAA" "AIA=".
    const expected = {
      format: 'descent-checkpoint',
      version: 1,
      step: 2,
      params: { b: 'float64[1]:AAAAAAAAAIA=', w: 'float32[2]:AACAPwAAAEA=' },
      optState: [{ best: 'Infinity', count: 3, low: '-Infinity', n: 'NaN', on: true, tiny: 5e-324, z: '-0' }, null, []],
    }
    const text = saveCheckpoint(state)
    expect(JSON.parse(text)).toEqual(expected)
    expect(text).toBe(JSON.stringify(expected)) // sorted keys: the text depends only on the state
  })

  it('writes a 0-d tensor as shape []', () => {
    expect(JSON.parse(saveCheckpoint({ params: tensor(1.5), optState: null, step: 0 })).params).toBe(
      `float32[]:${b64([0, 0, 0xc0, 0x3f])}`,
    )
  })

  it('throws a CheckpointError naming the path of a value that is not a pytree, or a bad step', () => {
    const params = { w: tensor([1]) }
    expect(() => saveCheckpoint({ params, optState: [{ fn: () => 1 }] as never, step: 0 })).toThrow(CheckpointError)
    expect(() => saveCheckpoint({ params, optState: [{ fn: () => 1 }] as never, step: 0 })).toThrow(/optState\[0\]\.fn/)
    expect(() => saveCheckpoint({ params: { w: undefined } as never, optState: null, step: 0 })).toThrow(/params\.w/)
    expect(() => saveCheckpoint({ params, optState: null, step: 1.5 })).toThrow(/step must be a non-negative integer/)
    expect(() => saveCheckpoint({ params, optState: null, step: -1 })).toThrow(CheckpointError)
  })
})

// ---- exact round trip ----

const pytree = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    bitLeaf,
    fc.constant(null),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(fc.string({ maxLength: 4 }), tie('node'), { maxKeys: 3 }),
  ),
})).node as fc.Arbitrary<PyTree>

describe('round trip', () => {
  it('loadCheckpoint(saveCheckpoint(s), s) is s bit for bit: every dtype, shape, NaN payload, ±Inf, −0, subnormal', () => {
    fc.assert(
      fc.property(pytree, pytree, fc.nat({ max: 2 ** 40 }), (params, optState, step) => {
        const state = { params, optState, step }
        const back = loadCheckpoint(saveCheckpoint(state), state)
        expect(back.step).toBe(step)
        expectTreesEqual(back.params, params)
        expectTreesEqual(back.optState, optState)
        // expectTreesEqual compares tensors byte for byte; numbers by value with −0 and NaN told apart.
        const a = tree.leaves(back.params).filter(isTensor)
        const b = tree.leaves(params).filter(isTensor)
        a.forEach((t, i) => expect(rawBytes(t)).toEqual(rawBytes(b[i]!)))
      }),
      { seed: 20261203, numRuns: 150 },
    )
  })

  it('returns fresh tensors and leaves the template unchanged', () => {
    const params = { w: tensor([[1, 2, 3]]), v: tensor([4], 'float64') }
    const opt = adam(0.1)
    const template = initTrainState(params, opt)
    const text = saveCheckpoint(template)
    const back = expectInputsUnchanged(() => loadCheckpoint(text, template), template)
    const buffers = new Set(
      [...tree.leaves(template.params), ...tree.leaves(template.optState as PyTree)]
        .filter(isTensor)
        .map((t) => t.data.buffer),
    )
    for (const t of [...tree.leaves(back.params), ...tree.leaves(back.optState as PyTree)].filter(isTensor)) {
      expect(buffers.has(t.data.buffer)).toBe(false)
    }
    expectTreesEqual(back, template)
  })

  it('keeps keys that are not identifiers, and null-prototype objects read back as plain objects', () => {
    const odd = Object.assign(Object.create(null) as Record<string, PyTree>, { 'a b': 1, '': [2], __proto__x: null })
    const state = { params: odd as PyTree, optState: Object.fromEntries([['__proto__', 3]]) as PyTree, step: 0 }
    const back = loadCheckpoint(saveCheckpoint(state), state)
    expectTreesEqual(back, state)
    expect(Object.keys(back.optState as object)).toEqual(['__proto__'])
  })
})

// ---- resume bit for bit, for every alias and wrapper ----

const N = 8

/** Runs k steps, checkpoints, reloads against a fresh template (a new process would), runs on to N with a fresh optimizer. */
function resumed(
  c: ResumeCase,
  dtype: DType,
  k: number,
): { readonly full: Run; readonly resumed: Run; readonly text: string } {
  const p0 = (c.params ?? ((p) => p))(makeParams(dtype))
  const tx = c.make()
  const start: Run = { params: p0, state: tx.init(p0) }
  const full = run(tx, c, start, 0, N)
  const mid = run(c.make(), c, { params: p0, state: c.make().init(p0) }, 0, k)
  const text = saveCheckpoint({ params: mid.params, optState: mid.state, step: k })
  const template = initTrainState(p0, c.make())
  const loaded = loadCheckpoint(text, template)
  expect(loaded.step).toBe(k)
  expectTreesEqual({ params: loaded.params, state: loaded.optState }, mid)
  return { full, resumed: run(c.make(), c, { params: loaded.params, state: loaded.optState }, k, N), text }
}

describe('resuming from a checkpoint equals the uninterrupted run bit for bit', () => {
  it('covers every export of src/optimizers, src/transforms and src/contrib', () => {
    expect(Object.keys(ALIASES).sort()).toEqual(Object.keys(optimizers).sort())
    expect(Object.keys(TRANSFORMS).sort()).toEqual(Object.keys(transforms).sort())
    expect(Object.keys(CONTRIB).sort()).toEqual(Object.keys(contrib).sort())
  })

  describe.each(CASES.map((c) => [c.label, c] as const))('%s', (_, c) => {
    it.each([
      ['float32', 0],
      ['float32', 1],
      ['float32', 4],
      ['float64', 4],
    ] as const)('%s, checkpoint at step %i of 8', (dtype, k) => {
      const r = resumed(c, dtype, k)
      expectTreesEqual(r.resumed, r.full)
    })
  })

  it('the comparison can fail: one flipped mantissa bit of adam’s state in the checkpoint changes the resumed run', () => {
    const c: ResumeCase = { label: 'adam', make: () => adam(0.05) }
    const { text, full } = resumed(c, 'float32', 4)
    const json = JSON.parse(text)
    const mu: string = json.optState[0].mu.b
    const [head, data] = mu.split(':') as [string, string]
    const bytes = Buffer.from(data, 'base64')
    bytes[2]! ^= 0x10 // mantissa bit 20 of mu.b[0]: a relative change of 2⁻³ (a low bit can round away)
    json.optState[0].mu.b = `${head}:${bytes.toString('base64')}`
    const p0 = makeParams('float32')
    const loaded = loadCheckpoint(JSON.stringify(json), initTrainState(p0, c.make()))
    const after = run(c.make(), c, { params: loaded.params, state: loaded.optState }, 4, N)
    expect(() => expectTreesEqual(after, full)).toThrow()
  })
})

// ---- bad input ----

describe('loadCheckpoint rejects bad input with a CheckpointError naming the first path that differs', () => {
  const p0 = {
    w: tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]),
    b: tensor([0.5, -0.5, 0]),
  }
  const opt = adam(0.05)
  const state = initTrainState(p0, opt)
  const text = saveCheckpoint({ ...state, step: 3 })

  it('the state of another optimizer', () => {
    const other = initTrainState(p0, sgd(0.1, { momentum: 0.9 }))
    expect(errorOf(text, other)).toMatch(
      /^optState\[0\]: keys \[count, mu, nu\] in the checkpoint vs \[trace\] in the template/,
    )
    expect(errorOf(saveCheckpoint(other), state)).toMatch(
      /^optState\[0\]: keys \[trace\] in the checkpoint vs \[count, mu, nu\]/,
    )
  })

  it('params of another shape, dtype, structure or leaf kind', () => {
    const t = (params: PyTree) => initTrainState(params, opt)
    expect(
      errorOf(
        text,
        t({
          w: tensor([
            [1, 2],
            [3, 4],
            [5, 6],
          ]),
          b: p0.b,
        }),
      ),
    ).toBe('params.w: shape [2,3] in the checkpoint vs [3,2] in the template')
    expect(
      errorOf(
        text,
        t({
          w: tensor(
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
            'float64',
          ),
          b: p0.b,
        }),
      ),
    ).toBe('params.w: dtype float32 in the checkpoint vs float64 in the template')
    expect(errorOf(text, t({ w: p0.w, b: p0.b, c: tensor([1]) }))).toBe(
      'params: keys [b, w] in the checkpoint vs [b, c, w] in the template (missing c)',
    )
    expect(errorOf(text, t({ w: p0.w, b: 1 }))).toBe(
      'params.b: a float32 Tensor [3] in the checkpoint vs a number in the template',
    )
    expect(errorOf(text, t([p0.w, p0.b]))).toMatch(
      /^params: an object with keys \[b, w\] in the checkpoint vs an array of length 2/,
    )
  })

  it('a nested tensor of the optimizer state edited to another shape', () => {
    const params = { layers: [{ w: tensor([[1, 2]]) }, { w: tensor(new Float32Array(12), [3, 4]) }] }
    const s = initTrainState(params, adam(0.1))
    const json = JSON.parse(saveCheckpoint(s))
    json.optState[0].mu.layers[1].w = `float32[4,3]:${b64(Array(48).fill(0))}`
    expect(errorOf(JSON.stringify(json), s)).toBe(
      'optState[0].mu.layers[1].w: shape [4,3] in the checkpoint vs [3,4] in the template',
    )
  })

  it('edited dtype, edited or truncated tensor data, edited numbers', () => {
    expect(errorOf(text.replace('"w":"float32[2,3]:', '"w":"float64[2,3]:'), state)).toBe(
      'params.w: dtype float64 in the checkpoint vs float32 in the template',
    )
    // 24 bytes are 32 base64 characters; dropping the last 4 leaves 21 bytes.
    const w = (JSON.parse(text) as { params: { w: string } }).params.w
    expect(errorOf(text.replace(w, w.slice(0, -4)), state)).toBe(
      'params.w: 21 bytes of data in the checkpoint, but a float32 tensor of shape [2,3] needs 24 (truncated or edited?)',
    )
    expect(errorOf(text.replace(w, `${w.slice(0, -4)}!!!!`), state)).toMatch(
      /^params\.w: the tensor data is not valid base64/,
    )
    expect(errorOf(text.replace('"count":0', '"count":"abc"'), state)).toBe(
      'optState[0].count: the string "abc" in the checkpoint vs a number in the template',
    )
    expect(errorOf(text.replace('"step":3', '"step":-3'), state)).toMatch(/step must be a non-negative integer; got -3/)
  })

  it('every truncation of the text, and never a partial state', () => {
    for (let n = 0; n < text.length; n++) expect(errorOf(text.slice(0, n), state)).toMatch(/not valid JSON/)
  })

  it('another format tag, a newer or invalid version, missing or unexpected keys, not JSON at all', () => {
    const edit = (f: (j: Record<string, unknown>) => void): string => {
      const j = JSON.parse(text) as Record<string, unknown>
      f(j)
      return JSON.stringify(j)
    }
    expect(
      errorOf(
        edit((j) => (j.format = 'safetensors')),
        state,
      ),
    ).toMatch(/not a descent checkpoint: format is "safetensors"/)
    expect(
      errorOf(
        edit((j) => (j.version = 2)),
        state,
      ),
    ).toMatch(/format version 2, newer than this descent reads \(1\); upgrade descent/)
    expect(
      errorOf(
        edit((j) => (j.version = '1')),
        state,
      ),
    ).toMatch(/version must be a positive integer; got "1"/)
    expect(
      errorOf(
        edit((j) => delete j.optState),
        state,
      ),
    ).toMatch(/has no optState/)
    expect(
      errorOf(
        edit((j) => (j.extra = 1)),
        state,
      ),
    ).toMatch(/unexpected keys extra/)
    expect(errorOf('[1, 2]', state)).toMatch(/not a descent checkpoint \(an array of length 2\)/)
    expect(errorOf('', state)).toMatch(/not valid JSON/)
  })

  it('loadCheckpoint throws what loadCheckpointE returns, and leaves the template unchanged', () => {
    const other = initTrainState(p0, sgd(0.1, { momentum: 0.9 }))
    expectInputsUnchanged(() => expect(() => loadCheckpoint(text, other)).toThrow(CheckpointError), other)
    expect(() => loadCheckpoint(text, other)).toThrow(errorOf(text, other))
  })
})
