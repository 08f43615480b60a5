import fc from 'fast-check'
import * as E from 'fp-ts/Either'
import { describe, expect, it } from 'vitest'
import {
  type DType,
  type PyTree,
  CheckpointError,
  DescentError,
  adam,
  adamw,
  initTrainState,
  isTensor,
  loadSafetensors,
  loadSafetensorsE,
  saveSafetensors,
  sgd,
  tensor,
  tree,
  type TrainState,
} from '../../src/index'
import { expectInputsUnchanged, expectTreesEqual } from '../_helpers/assertions'
import { bitLeaf, rawBytes } from '../_helpers/bitArbitraries'
import { CASES, type ResumeCase, type Run, makeParams, run } from '../_helpers/optimizerCases'

const errorOf = (bytes: Uint8Array, template: TrainState): string => {
  const r = loadSafetensorsE(bytes, template)
  if (E.isRight(r)) throw new Error('expected the file to be rejected')
  expect(r.left).toBeInstanceOf(CheckpointError)
  expect(r.left).toBeInstanceOf(DescentError)
  return r.left.message
}

/** The header length, the header as JSON and the data of a file (read with Node's Buffer, independently of src). */
function split(bytes: Uint8Array): { n: number; header: Record<string, any>; data: Buffer } {
  const buf = Buffer.from(bytes)
  const n = Number(buf.readBigUInt64LE(0))
  return { n, header: JSON.parse(buf.subarray(8, 8 + n).toString('utf8')), data: buf.subarray(8 + n) }
}

/** A file with the header replaced (re-padded to a multiple of 8) and the data kept. */
function withHeader(bytes: Uint8Array, edit: (h: Record<string, any>) => void): Uint8Array {
  const { header, data } = split(bytes)
  edit(header)
  let json = JSON.stringify(header)
  json += ' '.repeat((8 - (json.length % 8)) % 8)
  const len = Buffer.alloc(8)
  len.writeBigUInt64LE(BigInt(Buffer.byteLength(json)))
  return new Uint8Array(Buffer.concat([len, Buffer.from(json), data]))
}

describe('saveSafetensors writes the safetensors format', () => {
  it('matches the bytes derived by hand for a tiny state', () => {
    const state = {
      params: { w: tensor([1, 2]), b: tensor([-0], 'float64') },
      optState: [{ count: 3, x: Infinity }, null],
      step: 2,
    }
    // Data: 8-byte dtypes first, by key ('opt_state/0/x' < 'params/b'), then 4-byte ('opt_state/0/count' < 'params/w').
    //   opt_state/0/x      F64 +Inf = 0x7FF0000000000000 → 00 00 00 00 00 00 F0 7F   [0, 8]
    //   params/b           F64 −0   = 0x8000000000000000 → 00 00 00 00 00 00 00 80   [8, 16]
    //   opt_state/0/count  I32 3                        → 03 00 00 00                [16, 20]
    //   params/w           F32 1, 2 = 0x3F800000, 0x40000000 → 00 00 80 3F 00 00 00 40  [20, 28]
    const structure = '{"params":{"b":"F64[1]","w":"F32[2]"},"opt_state":[{"count":"I32[]","x":"F64[]"},null]}'
    const json =
      '{"__metadata__":{"format":"descent-train-state","version":"1","step":"2","structure":' +
      JSON.stringify(structure) +
      '},' +
      '"opt_state/0/x":{"dtype":"F64","shape":[],"data_offsets":[0,8]},' +
      '"params/b":{"dtype":"F64","shape":[1],"data_offsets":[8,16]},' +
      '"opt_state/0/count":{"dtype":"I32","shape":[],"data_offsets":[16,20]},' +
      '"params/w":{"dtype":"F32","shape":[2],"data_offsets":[20,28]}}'
    const padded = json + ' '.repeat((8 - (json.length % 8)) % 8) // the header is space-padded to a multiple of 8
    expect(padded.length % 8).toBe(0)
    const n = padded.length
    const expected = [
      ...[n & 255, n >> 8, 0, 0, 0, 0, 0, 0], // u64 little-endian (n < 65536)
      ...Buffer.from(padded, 'ascii'),
      ...[0, 0, 0, 0, 0, 0, 0xf0, 0x7f],
      ...[0, 0, 0, 0, 0, 0, 0, 0x80],
      ...[3, 0, 0, 0],
      ...[0, 0, 0x80, 0x3f, 0, 0, 0, 0x40],
    ]
    const bytes = saveSafetensors(state)
    expect(Array.from(bytes)).toEqual(expected)
    expect((8 + n) % 8).toBe(0) // the data starts 8-aligned, so every tensor starts at a multiple of its width
  })

  it('names keys by optax state paths: params/layers/1/w, opt_state/0/mu/layers/1/w, opt_state/0/count', () => {
    const params = { layers: [{ w: tensor([[1, 2]]) }, { w: tensor([[3], [4]]), b: tensor([0]) }] }
    const { header } = split(saveSafetensors(initTrainState(params, adamw(1e-3)), { optimizer: { name: 'adamw' } }))
    expect(Object.keys(header).sort()).toEqual(
      [
        '__metadata__',
        'opt_state/0/count',
        ...['mu', 'nu'].flatMap((m) => [
          `opt_state/0/${m}/layers/0/w`,
          `opt_state/0/${m}/layers/1/b`,
          `opt_state/0/${m}/layers/1/w`,
        ]),
        'params/layers/0/w',
        'params/layers/1/b',
        'params/layers/1/w',
      ].sort(),
    )
    expect(header['opt_state/0/count']).toEqual({ dtype: 'I32', shape: [], data_offsets: expect.any(Array) })
    expect(header['opt_state/0/mu/layers/1/w'].shape).toEqual([2, 1])
    expect(header.__metadata__.optimizer).toBe('{"name":"adamw"}')
    // adamw = chain(scaleByAdam, addDecayedWeights, scaleByLearningRate): the empty states are in the structure only.
    expect(JSON.parse(header.__metadata__.structure).opt_state.slice(1)).toEqual([{}, {}])
  })

  it('stores every tensor aligned to its element size, with no gaps (as the format requires)', () => {
    const state = {
      params: { a: tensor([1, 2, 3]), b: tensor([1], 'float64'), c: tensor([[5]]) },
      optState: { flag: true, count: 1, v: 0.1, z: tensor([7, 8], 'float64') },
      step: 0,
    }
    const { n, header, data } = split(saveSafetensors(state))
    expect((8 + n) % 8).toBe(0)
    const width: Record<string, number> = { F64: 8, F32: 4, I32: 4, BOOL: 1 }
    const ranges = Object.entries(header)
      .filter(([k]) => k !== '__metadata__')
      .map(([, v]) => v as { dtype: string; data_offsets: [number, number] })
      .sort((a, b) => a.data_offsets[0] - b.data_offsets[0])
    let at = 0
    for (const r of ranges) {
      expect(r.data_offsets[0]).toBe(at)
      expect(r.data_offsets[0] % width[r.dtype]!).toBe(0)
      at = r.data_offsets[1]
    }
    expect(at).toBe(data.length)
    expect(header['opt_state/flag']).toMatchObject({ dtype: 'BOOL', shape: [] })
    expect(header['opt_state/v']).toMatchObject({ dtype: 'F64', shape: [] })
  })

  it('counts are I32 only when they fit int32; other numbers F64', () => {
    const save = (optState: PyTree) => split(saveSafetensors({ params: null, optState, step: 0 })).header
    expect(save({ count: 2 ** 31 - 1 })['opt_state/count'].dtype).toBe('I32')
    expect(save({ count: 2 ** 31 })['opt_state/count'].dtype).toBe('F64')
    expect(save({ count: 1.5 })['opt_state/count'].dtype).toBe('F64')
    expect(save({ count: -0 })['opt_state/count'].dtype).toBe('F64')
    expect(save({ notfiniteCount: 2, miniStep: 1, lr: 3 })['opt_state/notfiniteCount'].dtype).toBe('I32')
    expect(save({ miniStep: 1 })['opt_state/miniStep'].dtype).toBe('I32')
    expect(save({ lr: 3 })['opt_state/lr'].dtype).toBe('F64')
  })

  it('throws a CheckpointError for a value that is not a pytree, a duplicate key, a bad step or metadata', () => {
    const params = { w: tensor([1]) }
    expect(() => saveSafetensors({ params, optState: [{ fn: () => 1 }] as never, step: 0 })).toThrow(
      /saveSafetensors: optState\[0\]\.fn|opt_state/,
    )
    expect(() => saveSafetensors({ params: { 'a/b': 1, a: { b: 2 } }, optState: null, step: 0 })).toThrow(
      /two leaves have the key "params\/a\/b"/,
    )
    expect(() => saveSafetensors({ params, optState: null, step: 1.5 })).toThrow(CheckpointError)
    expect(() => saveSafetensors({ params, optState: null, step: 0 }, { metadata: { step: '9' } })).toThrow(
      /may not set step/,
    )
    const { header } = split(saveSafetensors({ params, optState: null, step: 0 }, { metadata: { run: 'a' } }))
    expect(header.__metadata__.run).toBe('a')
  })
})

// ---- exact round trip ----

// Keys without '/', which joins the path segments of safetensors names.
const key = fc.stringMatching(/^[a-z_]{0,3}$/)
const pytree = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    bitLeaf,
    fc.constant(null),
    fc.array(tie('node'), { maxLength: 3 }),
    fc.dictionary(key, tie('node'), { maxKeys: 3 }),
  ),
})).node as fc.Arbitrary<PyTree>
const countTree = fc.record({ count: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), x: pytree })

describe('round trip', () => {
  it('loadSafetensors(saveSafetensors(s), s) is s bit for bit: NaN payloads, ±Inf, −0, subnormals, counts', () => {
    fc.assert(
      fc.property(pytree, countTree, fc.nat({ max: 2 ** 40 }), (params, optState, step) => {
        const state = { params, optState, step }
        const back = loadSafetensors(saveSafetensors(state), state)
        expect(back.step).toBe(step)
        expectTreesEqual(back.params, params)
        expectTreesEqual(back.optState, optState)
        const a = tree.leaves(back.params).filter(isTensor)
        tree
          .leaves(params)
          .filter(isTensor)
          .forEach((t, i) => expect(rawBytes(a[i]!)).toEqual(rawBytes(t)))
      }),
      { seed: 20261204, numRuns: 150 },
    )
  })

  it('returns fresh tensors and leaves the template and the bytes unchanged', () => {
    const template = initTrainState({ w: tensor([[1, 2, 3]]), v: tensor([4], 'float64') }, adam(0.1))
    const bytes = saveSafetensors(template)
    const back = expectInputsUnchanged(() => loadSafetensors(bytes, template), template, bytes)
    for (const t of tree.leaves(back.params).filter(isTensor)) expect(t.data.buffer).not.toBe(bytes.buffer)
    expectTreesEqual(back, template)
  })

  it('reads a file that sits at an odd offset of a larger buffer', () => {
    const state = initTrainState({ w: tensor([1, 2, 3]) }, adam(0.1))
    const bytes = saveSafetensors(state)
    const big = new Uint8Array(bytes.length + 3)
    big.set(bytes, 3)
    expectTreesEqual(loadSafetensors(big.subarray(3), state), state)
  })
})

// ---- resume bit for bit, for every alias and wrapper ----

const N = 8

function resumed(c: ResumeCase, dtype: DType, k: number): { full: Run; resumed: Run; bytes: Uint8Array } {
  const p0 = (c.params ?? ((p) => p))(makeParams(dtype))
  const full = run(c.make(), c, { params: p0, state: c.make().init(p0) }, 0, N)
  const mid = run(c.make(), c, { params: p0, state: c.make().init(p0) }, 0, k)
  const bytes = saveSafetensors({ params: mid.params, optState: mid.state, step: k })
  const loaded = loadSafetensors(bytes, initTrainState(p0, c.make()))
  expect(loaded.step).toBe(k)
  expectTreesEqual({ params: loaded.params, state: loaded.optState }, mid)
  return { full, resumed: run(c.make(), c, { params: loaded.params, state: loaded.optState }, k, N), bytes }
}

describe('resuming from a safetensors file equals the uninterrupted run bit for bit', () => {
  describe.each(CASES.map((c) => [c.label, c] as const))('%s', (_, c) => {
    it.each([
      ['float32', 1],
      ['float32', 4],
      ['float64', 4],
    ] as const)('%s, saved at step %i of 8', (dtype, k) => {
      const r = resumed(c, dtype, k)
      expectTreesEqual(r.resumed, r.full)
    })
  })

  it('the comparison can fail: one flipped mantissa bit of adam’s mu in the file changes the resumed run', () => {
    const c: ResumeCase = { label: 'adam', make: () => adam(0.05) }
    const { bytes, full } = resumed(c, 'float32', 4)
    const { n, header } = split(bytes)
    const edited = bytes.slice()
    edited[8 + n + header['opt_state/0/mu/b'].data_offsets[0] + 2]! ^= 0x10
    const loaded = loadSafetensors(edited, initTrainState(makeParams('float32'), c.make()))
    expect(() =>
      expectTreesEqual(run(c.make(), c, { params: loaded.params, state: loaded.optState }, 4, N), full),
    ).toThrow()
  })
})

// ---- bad input ----

describe('loadSafetensors rejects bad input with a CheckpointError naming the first key that differs', () => {
  const p0 = {
    w: tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]),
    b: tensor([0.5, -0.5, 0]),
  }
  const state = initTrainState(p0, adam(0.05))
  const bytes = saveSafetensors({ ...state, step: 3 })

  it('the state of another optimizer, both ways', () => {
    const other = initTrainState(p0, sgd(0.1, { momentum: 0.9 }))
    expect(errorOf(bytes, other)).toBe(
      'opt_state/0: keys [count, mu, nu] in the file vs [trace] in the template (missing trace; unexpected count, mu, nu)',
    )
    expect(errorOf(saveSafetensors(other), state)).toMatch(
      /^opt_state\/0: keys \[trace\] in the file vs \[count, mu, nu\]/,
    )
    expect(errorOf(bytes, initTrainState(p0, adamw(0.05)))).toBe(
      'opt_state: an array of length 2 in the file vs an array of length 3 in the template',
    )
  })

  it('params of another shape, dtype, structure or leaf kind', () => {
    const t = (params: PyTree) => initTrainState(params, adam(0.05))
    expect(errorOf(bytes, t({ w: tensor(new Float32Array(6), [3, 2]), b: p0.b }))).toBe(
      'params/w: shape [2,3] in the file vs [3,2] in the template',
    )
    expect(errorOf(bytes, t({ w: tensor(new Float64Array(6), [2, 3]), b: p0.b }))).toBe(
      'params/w: dtype F32 in the file vs F64 (float64) in the template',
    )
    expect(errorOf(bytes, t({ w: p0.w, b: p0.b, c: tensor([1]) }))).toBe(
      'params: keys [b, w] in the file vs [b, c, w] in the template (missing c)',
    )
    expect(errorOf(bytes, t({ w: p0.w, b: 1 }))).toBe(
      'params/b: F32[3] in the file vs a number (a 0-d tensor) in the template',
    )
    expect(errorOf(bytes, t([p0.w, p0.b]))).toMatch(
      /^params: an object with keys \[b, w\] in the file vs an array of length 2/,
    )
  })

  it('edited header entries: dtype, shape, offsets, a missing or unexpected tensor', () => {
    expect(
      errorOf(
        withHeader(bytes, (h) => (h['opt_state/0/mu/w'].dtype = 'I32')),
        state,
      ),
    ).toBe('opt_state/0/mu/w: dtype I32 in the file vs F32 (float32) in the template')
    expect(
      errorOf(
        withHeader(bytes, (h) => (h['opt_state/0/mu/w'].dtype = 'BF16')),
        state,
      ),
    ).toMatch(/opt_state\/0\/mu\/w: dtype "BF16", which descent does not read/)
    expect(
      errorOf(
        withHeader(bytes, (h) => (h['params/w'].shape = [3, 2])),
        state,
      ),
    ).toBe('params/w: shape [3,2] in the file vs [2,3] in the template')
    expect(
      errorOf(
        withHeader(bytes, (h) => (h['params/w'].shape = [2, 2])),
        state,
      ),
    ).toMatch(/params\/w: 24 bytes for F32\[2,2\], which needs 16 in the header/)
    expect(
      errorOf(
        withHeader(bytes, (h) => {
          h['params/x'] = h['params/w']
          delete h['params/w']
        }),
        state,
      ),
    ).toBe('params/w: in the template but not in the file')
    expect(
      errorOf(
        withHeader(bytes, (h) => (h['params/w'].data_offsets = h['params/b'].data_offsets.map((x: number) => x))),
        state,
      ),
    ).toMatch(/bytes for F32\[2,3\]/)
  })

  it('a number leaf reads from a 0-d F64, F32, I32 or I64 (what Python may write), a boolean from BOOL', () => {
    const s = { params: null, optState: { count: 5, flag: false }, step: 0 }
    const b = saveSafetensors(s)
    const { n, header } = split(b)
    // Rewrite count (I32 5 = 05 00 00 00) as F32 5 = 0x40A00000.
    const f32 = b.slice()
    f32.set([0, 0, 0xa0, 0x40], 8 + n + header['opt_state/count'].data_offsets[0])
    expect(
      loadSafetensors(
        withHeader(f32, (h) => (h['opt_state/count'].dtype = 'F32')),
        s,
      ).optState.count,
    ).toBe(5)
    expect(
      errorOf(
        withHeader(b, (h) => (h['opt_state/flag'].dtype = 'I32')),
        s,
      ),
    ).toMatch(/opt_state\/flag/)
  })

  it('a file that is not a descent train state, or from a newer format version', () => {
    expect(
      errorOf(
        withHeader(bytes, (h) => delete h.__metadata__),
        state,
      ),
    ).toMatch(/has no __metadata__/)
    expect(
      errorOf(
        withHeader(bytes, (h) => (h.__metadata__ = { format: 'pt' })),
        state,
      ),
    ).toMatch(/not a descent train state: __metadata__.format is "pt"/)
    expect(
      errorOf(
        withHeader(bytes, (h) => (h.__metadata__.version = '2')),
        state,
      ),
    ).toMatch(/format version 2, newer than this descent reads \(1\); upgrade descent/)
    expect(
      errorOf(
        withHeader(bytes, (h) => (h.__metadata__.version = 'x')),
        state,
      ),
    ).toMatch(/positive integer/)
    expect(
      errorOf(
        withHeader(bytes, (h) => (h.__metadata__.step = '-3')),
        state,
      ),
    ).toMatch(/step must be/)
    expect(
      errorOf(
        withHeader(bytes, (h) => (h.__metadata__.step = 3)),
        state,
      ),
    ).toMatch(/__metadata__.step is not a string/)
    expect(
      errorOf(
        withHeader(bytes, (h) => (h.__metadata__.structure = '{')),
        state,
      ),
    ).toMatch(/structure is not JSON/)
  })

  it('every truncation of the file, and trailing or overlapping bytes', () => {
    for (let k = 0; k < bytes.length; k++) {
      expect(errorOf(bytes.subarray(0, k), state)).toMatch(/truncated|not valid UTF-8 JSON|gap/)
    }
    expect(errorOf(new Uint8Array([...bytes, 0]), state)).toMatch(/1 bytes after the last tensor/)
    const huge = bytes.slice()
    new DataView(huge.buffer).setBigUint64(0, 2n ** 40n, true)
    expect(errorOf(huge, state)).toMatch(/over the format's limit/)
    expect(errorOf(new Uint8Array(8), state)).toMatch(/not valid UTF-8 JSON/)
  })

  it('loadSafetensors throws what loadSafetensorsE returns, and leaves the template unchanged', () => {
    const other = initTrainState(p0, sgd(0.1, { momentum: 0.9 }))
    expectInputsUnchanged(() => expect(() => loadSafetensors(bytes, other)).toThrow(CheckpointError), other)
    expect(() => loadSafetensors(bytes, other)).toThrow(errorOf(bytes, other))
  })
})
