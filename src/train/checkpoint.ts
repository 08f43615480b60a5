import * as E from 'fp-ts/Either'
import { InvalidTreeError } from '../core/errors'
import { type Tensor, arrayTypeOf, fromStorage, isTensor } from '../core/tensor'
import { type KeyPath, type NodeKind, keystr, kindOf, sortedKeys } from '../core/treeTraversal'
import { HOST_LITTLE_ENDIAN, decodeBase64, encodeBase64, swapBytes } from './checkpointBytes'
import { CheckpointError } from './checkpointError'
import type { TrainState } from './trainState'

const FORMAT = 'descent-checkpoint'
const VERSION = 1
const TOP_KEYS = ['format', 'optState', 'params', 'step', 'version'] as const

// Non-finite numbers and −0 have no JSON spelling (JSON.stringify writes null and 0), so they are written as strings.
const SPECIAL_NUMBERS: ReadonlyMap<string, number> = new Map([
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['-0', -0],
])
const TENSOR_HEADER = /^(float32|float64)\[((?:0|[1-9][0-9]*)(?:,(?:0|[1-9][0-9]*))*)?\]:/

/** @internal Throws a {@link CheckpointError} (shared with the safetensors files). */
export const fail = (message: string): never => {
  throw new CheckpointError(message)
}

/** @internal Runs a loader body, returning its result in Right and a CheckpointError it throws in Left. */
export function catchCheckpointError<T>(body: () => T): E.Either<CheckpointError, T> {
  try {
    return E.right(body())
  } catch (e) {
    if (e instanceof CheckpointError) return E.left(e)
    throw e
  }
}

/** @internal Fails unless `template` is a TrainState. */
export function checkTemplate(owner: string, template: unknown): void {
  if (typeof template !== 'object' || template === null || !('params' in template) || !('optState' in template)) {
    fail(
      `${owner}: the template must be a TrainState { params, optState, step }, e.g. initTrainState(params, optimizer).`,
    )
  }
}

/** @internal The pytree kind of a value of the state or template, with InvalidTreeError turned into a CheckpointError. */
export function kindIn(x: unknown, path: KeyPath, root: string, who: string): NodeKind {
  try {
    return kindOf(x, path, root)
  } catch (e) {
    if (e instanceof InvalidTreeError) return fail(`${who}: ${e.message}`)
    throw e
  }
}

/** @internal `[2,3]` */
export const shapeStr = (shape: readonly number[]): string => `[${shape.join(',')}]`

function encodeNumber(x: number): number | string {
  if (Number.isFinite(x) && !Object.is(x, -0)) return x
  return Number.isNaN(x) ? 'NaN' : Object.is(x, -0) ? '-0' : x > 0 ? 'Infinity' : '-Infinity'
}

/** @internal The little-endian bytes of a tensor's storage (a view on little-endian hosts); `at` names it in errors. */
export function littleEndianBytes(t: Tensor, at: string): Uint8Array {
  const { data } = t
  const ok =
    (t.dtype === 'float32' && data instanceof Float32Array) || (t.dtype === 'float64' && data instanceof Float64Array)
  if (!ok) fail(`${at} is a Tensor whose storage does not match its dtype ${t.dtype}.`)
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  return HOST_LITTLE_ENDIAN ? bytes : swapBytes(bytes, data.BYTES_PER_ELEMENT)
}

/** @internal A tensor shaped like `t` over fresh storage holding `bytes` (little-endian, already the right length). */
export function fromLittleEndian(bytes: Uint8Array<ArrayBuffer>, t: Tensor): Tensor {
  const Ctor = arrayTypeOf(t.dtype)
  const host = HOST_LITTLE_ENDIAN ? bytes : swapBytes(bytes, Ctor.BYTES_PER_ELEMENT)
  return fromStorage(new Ctor(host.buffer, host.byteOffset, t.size), t.shape)
}

function encodeTensor(t: Tensor, path: KeyPath, root: string): string {
  const le = littleEndianBytes(t, `saveCheckpoint: ${keystr(path, root)}`)
  return `${t.dtype}${shapeStr(t.shape)}:${encodeBase64(le)}`
}

function encodeTree(x: unknown, path: (string | number)[], root: string): unknown {
  switch (kindIn(x, path, root, 'saveCheckpoint')) {
    case 'null':
      return null
    case 'leaf':
      return isTensor(x) ? encodeTensor(x, path, root) : typeof x === 'number' ? encodeNumber(x) : x
    case 'array':
      return (x as unknown[]).map((c, i) => encodeTree(c, [...path, i], root))
    case 'object':
      return Object.fromEntries(
        sortedKeys(x as object).map((k) => [k, encodeTree((x as Record<string, unknown>)[k], [...path, k], root)]),
      )
  }
}

/** @internal */
export const checkStep = (step: unknown, where: string): number =>
  typeof step === 'number' && Number.isSafeInteger(step) && step >= 0
    ? step
    : fail(`${where}: step must be a non-negative integer; got ${JSON.stringify(step) ?? String(step)}.`)

/**
 * Writes a {@link TrainState} as versioned JSON text that {@link loadCheckpoint} reads back bit for bit.
 *
 * Every tensor keeps its dtype, shape and exact bits (NaN payloads included), and every number leaf its exact value
 * (−0, ±Infinity, subnormals; a NaN number is written as `"NaN"`, so its payload is canonicalised: JS engines do not
 * keep NaN payloads of plain numbers anyway). The trees keep their structure: arrays stay arrays, objects stay objects
 * (keys sorted), `null` stays `null`, booleans stay booleans. The format, version 1:
 *
 * ```text
 * { "format": "descent-checkpoint", "version": 1, "step": <integer>, "params": <tree>, "optState": <tree> }
 * tree    := null | boolean | number | [tree, …] | { key: tree, … }
 * number  := a JSON number (finite, not −0; the shortest text that reads back to the same float64)
 *          | "NaN" | "Infinity" | "-Infinity" | "-0"
 * tensor  := "<dtype>[<d₀>,<d₁>,…]:<base64>"   e.g. "float32[2,3]:AACAPwAAAEAAAEBA…"
 *            dtype ∈ {float32, float64}; base64 (RFC 4648, padded) of the row-major little-endian bytes,
 *            4·∏dᵢ bytes for float32 and 8·∏dᵢ for float64
 * ```
 *
 * Tensors are base64 of their raw bytes because that is exact by construction, 1.33 bytes of text per byte of data
 * (a 1e6-element float32 tensor is 5.3 MB of text; hex would be 8 MB, decimal ~12 MB and still not keep NaN bits).
 *
 * @param state - The state to save; its trees must be pytrees (no functions, class instances or `undefined`).
 * @returns The JSON text.
 * @throws CheckpointError naming the path of a value that is not a pytree, or when `step` is not a non-negative integer.
 * @example
 * import { adam, applyUpdates, initTrainState, loadCheckpoint, saveCheckpoint, tensor } from 'descent-ts'
 * const opt = adam(0.1)
 * const s0 = initTrainState({ w: tensor([1, -2]) }, opt)
 * const [u, optState] = opt.update({ w: tensor([0.5, NaN]) }, s0.optState, s0.params)
 * const s1 = { params: applyUpdates(s0.params, u), optState, step: 1 }
 * const text = saveCheckpoint(s1)
 * assert.strictEqual(JSON.parse(text).format, 'descent-checkpoint')
 * const back = loadCheckpoint(text, s0)
 * assert.strictEqual(back.step, 1)
 * assert.deepStrictEqual(Array.from(back.params.w.data), Array.from(s1.params.w.data)) // [0.9, NaN]
 * assert.strictEqual(back.optState[0].count, 1)
 * @see loadCheckpoint, loadCheckpointE, CheckpointError
 * @category train
 * @since 0.2.0
 */
export function saveCheckpoint(state: TrainState): string {
  if (typeof state !== 'object' || state === null)
    fail('saveCheckpoint: state must be a TrainState { params, optState, step }.')
  const step = checkStep(state.step, 'saveCheckpoint')
  return JSON.stringify({
    format: FORMAT,
    version: VERSION,
    step,
    params: encodeTree(state.params, [], 'params'),
    optState: encodeTree(state.optState, [], 'optState'),
  })
}

/** How a value of the checkpoint reads in a message. */
function describeSaved(x: unknown): string {
  if (x === null) return 'null'
  if (typeof x === 'boolean') return 'a boolean'
  if (typeof x === 'number' || (typeof x === 'string' && SPECIAL_NUMBERS.has(x))) return 'a number'
  if (typeof x === 'string') {
    const m = TENSOR_HEADER.exec(x)
    return m ? `a ${m[1]} Tensor [${m[2] ?? ''}]` : `the string ${JSON.stringify(x.slice(0, 40))}`
  }
  if (Array.isArray(x)) return `an array of length ${x.length}`
  return `an object with keys [${sortedKeys(x as object).join(', ')}]`
}

/** @internal How a value of the template reads in a message. */
export function describeTemplate(x: unknown, kind: NodeKind): string {
  if (kind === 'null') return 'null'
  if (kind === 'array') return `an array of length ${(x as unknown[]).length}`
  if (kind === 'object') return `an object with keys [${sortedKeys(x as object).join(', ')}]`
  return isTensor(x) ? `a ${x.dtype} Tensor ${shapeStr(x.shape)}` : `a ${typeof x}`
}

function decodeTensor(text: string, t: Tensor, at: string): Tensor {
  const m = TENSOR_HEADER.exec(text)!
  const dtype = m[1]
  const shape = m[2] === undefined ? [] : m[2].split(',').map(Number)
  if (dtype !== t.dtype) fail(`${at}: dtype ${dtype} in the checkpoint vs ${t.dtype} in the template`)
  if (shapeStr(shape) !== shapeStr(t.shape)) {
    fail(`${at}: shape ${shapeStr(shape)} in the checkpoint vs ${shapeStr(t.shape)} in the template`)
  }
  const bytes = decodeBase64(text.slice(m[0].length))
  if (typeof bytes === 'string') return fail(`${at}: the tensor data is not valid base64: ${bytes}`)
  const Ctor = arrayTypeOf(t.dtype)
  const need = t.size * Ctor.BYTES_PER_ELEMENT
  if (bytes.length !== need) {
    fail(
      `${at}: ${bytes.length} bytes of data in the checkpoint, but a ${t.dtype} tensor of shape ${shapeStr(t.shape)} ` +
        `needs ${need} (truncated or edited?)`,
    )
  }
  return fromLittleEndian(bytes, t)
}

/** Reads `saved` with the structure of `template`; throws a CheckpointError at the first path that differs. */
function decodeTree(saved: unknown, template: unknown, path: (string | number)[], root: string): unknown {
  const kind = kindIn(template, path, root, 'loadCheckpoint: the template is not a pytree')
  const at = keystr(path, root)
  const mismatch = (): never =>
    fail(`${at}: ${describeSaved(saved)} in the checkpoint vs ${describeTemplate(template, kind)} in the template`)
  switch (kind) {
    case 'null':
      return saved === null ? null : mismatch()
    case 'array': {
      const t = template as unknown[]
      if (!Array.isArray(saved) || saved.length !== t.length) return mismatch()
      return t.map((c, i) => decodeTree(saved[i], c, [...path, i], root))
    }
    case 'object': {
      if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return mismatch()
      const keys = sortedKeys(template as object)
      const savedKeys = sortedKeys(saved)
      const missing = keys.filter((k) => !Object.hasOwn(saved, k))
      const extra = savedKeys.filter((k) => !Object.hasOwn(template as object, k))
      if (missing.length > 0 || extra.length > 0) {
        const diff = [
          missing.length > 0 ? `missing ${missing.join(', ')}` : '',
          extra.length > 0 ? `unexpected ${extra.join(', ')}` : '',
        ].filter((s) => s !== '')
        fail(
          `${at}: keys [${savedKeys.join(', ')}] in the checkpoint vs [${keys.join(', ')}] in the template (${diff.join('; ')})`,
        )
      }
      return Object.fromEntries(
        keys.map((k) => [
          k,
          decodeTree(
            (saved as Record<string, unknown>)[k],
            (template as Record<string, unknown>)[k],
            [...path, k],
            root,
          ),
        ]),
      )
    }
    case 'leaf': {
      if (isTensor(template)) {
        return typeof saved === 'string' && TENSOR_HEADER.test(saved) ? decodeTensor(saved, template, at) : mismatch()
      }
      if (typeof template === 'boolean') return typeof saved === 'boolean' ? saved : mismatch()
      if (typeof saved === 'number') return saved
      if (typeof saved === 'string' && SPECIAL_NUMBERS.has(saved)) return SPECIAL_NUMBERS.get(saved)
      return mismatch()
    }
  }
}

function parseEnvelope(text: string): Record<string, unknown> {
  if (typeof text !== 'string') fail(`loadCheckpoint: the checkpoint must be a string; got ${typeof text}.`)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return fail(`loadCheckpoint: the checkpoint is not valid JSON (truncated or edited?): ${(e as Error).message}`)
  }
  const expected = `expected { format: "${FORMAT}", version, step, params, optState } as written by saveCheckpoint`
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return fail(`loadCheckpoint: not a descent checkpoint (${describeSaved(json)}); ${expected}.`)
  }
  const env = json as Record<string, unknown>
  if (env.format !== FORMAT) {
    fail(`loadCheckpoint: not a descent checkpoint: format is ${JSON.stringify(env.format) ?? 'missing'}; ${expected}.`)
  }
  const version = env.version
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    fail(
      `loadCheckpoint: the checkpoint's version must be a positive integer; got ${JSON.stringify(version) ?? 'none'}.`,
    )
  }
  if ((version as number) > VERSION) {
    fail(
      `loadCheckpoint: the checkpoint has format version ${version}, newer than this descent reads (${VERSION}); ` +
        'upgrade descent to load it.',
    )
  }
  const keys = sortedKeys(env)
  const missing = TOP_KEYS.filter((k) => !Object.hasOwn(env, k))
  const extra = keys.filter((k) => !(TOP_KEYS as readonly string[]).includes(k))
  if (missing.length > 0) fail(`loadCheckpoint: the checkpoint has no ${missing.join(', ')}; ${expected}.`)
  if (extra.length > 0) fail(`loadCheckpoint: the checkpoint has unexpected keys ${extra.join(', ')}; ${expected}.`)
  return env
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint}, checked against a template state; the `Either` form of
 * {@link loadCheckpoint}, for checkpoints that come from outside the program (files, uploads).
 *
 * Returns `Left(CheckpointError)` for text that is not JSON, another format tag, a newer version, or trees that do not
 * fit the template; the error names the first path that differs (`params`, then `optState`, depth first, keys sorted):
 * a node of another kind, other keys or length, a leaf of another kind (Tensor, number, boolean), another dtype or
 * shape, or tensor data of the wrong byte length. Nothing partial is ever returned, the template is never modified,
 * and every tensor returned owns fresh storage.
 *
 * ```text
 * loadCheckpointE(saveCheckpoint(s), t) = Right(s)   bit for bit, whenever s has the structure, dtypes and shapes of t
 * ```
 *
 * @param text - The JSON text.
 * @param template - A state with the structure to expect, such as `initTrainState(params, optimizer)`; only its
 * structure, leaf kinds, dtypes and shapes are used.
 * @returns `Right` of the state (typed as the template), or `Left` of the {@link CheckpointError}.
 * @example
 * import { initTrainState, loadCheckpointE, saveCheckpoint, sgd, tensor } from 'descent-ts'
 * import * as E from 'fp-ts/Either'
 * const opt = sgd(0.1, { momentum: 0.9 })
 * const text = saveCheckpoint(initTrainState({ w: tensor([1, 2, 3]) }, opt))
 * const wrongShape = initTrainState({ w: tensor([1, 2]) }, opt)
 * const result = loadCheckpointE(text, wrongShape)
 * assert.ok(E.isLeft(result))
 * assert.strictEqual(result.left.message, 'params.w: shape [3] in the checkpoint vs [2] in the template')
 * assert.ok(E.isRight(loadCheckpointE(text, initTrainState({ w: tensor([0, 0, 0]) }, opt))))
 * @see saveCheckpoint, loadCheckpoint
 * @category train
 * @since 0.2.0
 */
export function loadCheckpointE<T extends TrainState>(text: string, template: T): E.Either<CheckpointError, T> {
  return catchCheckpointError(() => {
    const env = parseEnvelope(text)
    checkTemplate('loadCheckpoint', template)
    const step = checkStep(env.step, 'loadCheckpoint')
    const params = decodeTree(env.params, template.params, [], 'params')
    const optState = decodeTree(env.optState, template.optState, [], 'optState')
    return { params, optState, step } as unknown as T
  })
}

/**
 * Reads a checkpoint written by {@link saveCheckpoint}, checked against a template state, and returns the state bit
 * for bit: resuming a run from it gives exactly the uninterrupted run. Throws where {@link loadCheckpointE} returns
 * `Left`; see it for the checks.
 *
 * ```text
 * loadCheckpoint(saveCheckpoint(s), t) = s   (every tensor's dtype, shape and bits; every number's value, −0 and NaN kept)
 * ```
 *
 * @param text - The JSON text.
 * @param template - A state with the structure to expect, such as `initTrainState(params, optimizer)`.
 * @returns The state, typed as the template, with fresh tensors.
 * @throws CheckpointError naming the first path that differs, or what is wrong with the text.
 * @example
 * import { initTrainState, loadCheckpoint, reduceOnPlateau, saveCheckpoint, tensor } from 'descent-ts'
 * const opt = reduceOnPlateau({ patience: 2 })
 * const state = { ...initTrainState({ w: tensor([-0, 1e-45]) }, opt), step: 7 }
 * const back = loadCheckpoint(saveCheckpoint(state), state)
 * assert.strictEqual(back.optState.bestValue, Infinity) // JSON.stringify alone would write null
 * assert.ok(Object.is(back.params.w.data[0], -0) && back.params.w.data[1] === state.params.w.data[1])
 * assert.notStrictEqual(back.params.w, state.params.w) // fresh storage
 * assert.throws(() => loadCheckpoint(saveCheckpoint(state), initTrainState({ w: tensor([1]) }, opt)), /params\.w: shape \[2\] in the checkpoint vs \[1\] in the template/)
 * @see saveCheckpoint, loadCheckpointE, initTrainState
 * @category train
 * @since 0.2.0
 */
export function loadCheckpoint<T extends TrainState>(text: string, template: T): T {
  const result = loadCheckpointE(text, template)
  if (E.isLeft(result)) throw result.left
  return result.right
}
