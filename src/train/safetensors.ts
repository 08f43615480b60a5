import * as E from 'fp-ts/Either'
import { type Tensor, isTensor } from '../core/tensor'
import { type KeyPath, type NodeKind, sortedKeys } from '../core/treeTraversal'
import {
  catchCheckpointError,
  checkStep,
  checkTemplate,
  describeTemplate,
  fail,
  fromLittleEndian,
  kindIn,
  littleEndianBytes,
  shapeStr,
} from './checkpoint'
import { CheckpointError } from './checkpointError'
import type { TrainState } from './trainState'

// The safetensors format (https://github.com/huggingface/safetensors, format section of its README), written by hand:
// it is 8 bytes, a JSON header and raw bytes, and the npm name `safetensors` is an unmaintained 0.0.1 placeholder.

const FORMAT = 'descent-train-state'
const VERSION = 1
const ROOTS = { params: 'params', optState: 'opt_state' } as const
/** The reference reader refuses headers over 100 MB; so do we, before decoding anything. */
const MAX_HEADER = 100_000_000
const WIDTH: Readonly<Record<string, number>> = { F64: 8, I64: 8, F32: 4, I32: 4, BOOL: 1 }
const DTYPE_OF = { float32: 'F32', float64: 'F64' } as const
/** Number leaves under these keys are optax's int32 counters (`ScaleByAdamState.count` is `jnp.int32`). */
const INT32_KEY = /^(count|.*Count|miniStep|gradientStep|totalNotfinite)$/

/**
 * Options of {@link saveSafetensors}.
 * @category train
 * @since 0.2.0
 */
export interface SaveSafetensorsOptions {
  /**
   * A JSON-serialisable description of the optimizer (its chain and hyperparameters), stored as JSON text in
   * `__metadata__.optimizer`, e.g. `{ name: 'adamw', learningRate: 1e-3, weightDecay: 1e-4 }`. Python reads it to
   * rebuild the same optax optimizer.
   * @defaultValue none (no `optimizer` entry)
   */
  readonly optimizer?: unknown
  /**
   * More `__metadata__` entries (string values, as the format requires); they may not replace `format`, `version`,
   * `step`, `structure` or `optimizer`.
   * @defaultValue `{}`
   */
  readonly metadata?: Readonly<Record<string, string>>
}

interface Entry {
  readonly name: string
  readonly dtype: string
  readonly shape: readonly number[]
  readonly bytes: Uint8Array
}

const nameOf = (root: string, path: KeyPath): string => [root, ...path].join('/')

function scalarBytes(x: number | boolean, dtype: string): Uint8Array {
  const out = new Uint8Array(WIDTH[dtype]!)
  const view = new DataView(out.buffer)
  if (dtype === 'BOOL') out[0] = x ? 1 : 0
  else if (dtype === 'I32') view.setInt32(0, x as number, true)
  else view.setFloat64(0, x as number, true)
  return out
}

/** Collects the leaves of `x` as entries and returns its structure, leaves replaced by `"<dtype>[<shape>]"`. */
function flatten(x: unknown, path: (string | number)[], root: string, out: Map<string, Entry>): unknown {
  const add = (dtype: string, shape: readonly number[], bytes: Uint8Array): string => {
    const name = nameOf(root, path)
    if (out.has(name)) fail(`saveSafetensors: two leaves have the key ${JSON.stringify(name)} (a key holds a '/').`)
    out.set(name, { name, dtype, shape, bytes })
    return `${dtype}${shapeStr(shape)}`
  }
  switch (kindIn(x, path, root, 'saveSafetensors')) {
    case 'null':
      return null
    case 'array':
      return (x as unknown[]).map((c, i) => flatten(c, [...path, i], root, out))
    case 'object':
      return Object.fromEntries(
        sortedKeys(x as object).map((k) => [k, flatten((x as Record<string, unknown>)[k], [...path, k], root, out)]),
      )
    case 'leaf': {
      if (isTensor(x)) {
        return add(DTYPE_OF[x.dtype], x.shape, littleEndianBytes(x, `saveSafetensors: ${nameOf(root, path)}`))
      }
      if (typeof x === 'boolean') return add('BOOL', [], scalarBytes(x, 'BOOL'))
      const n = x as number
      const key = path[path.length - 1]
      const int32 =
        typeof key === 'string' && INT32_KEY.test(key) && Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31
      const dtype = int32 && !Object.is(n, -0) ? 'I32' : 'F64'
      return add(dtype, [], scalarBytes(n, dtype))
    }
  }
}

/**
 * Writes a {@link TrainState} as a [safetensors](https://github.com/huggingface/safetensors) file that JAX/optax
 * (through numpy), PyTorch (`safetensors.torch.load_file`) and {@link loadSafetensors} read, every value bit for bit.
 *
 * Every leaf is one tensor, named by its key path in optax's vocabulary: `params/<path>` and `opt_state/<path>`, path
 * parts joined by `/` (array indices in decimal). adam's state `[ScaleByAdamState, EmptyState]` is optax's
 * `(ScaleByAdamState(count, mu, nu), EmptyState())`, so its leaves are `opt_state/0/count`, `opt_state/0/mu/<param
 * path>` and `opt_state/0/nu/<param path>`. A float32 Tensor is `F32`, a float64 Tensor `F64`, with its shape; a
 * number leaf is a 0-d tensor: `I32` for optax's int32 counters (keys `count`, `…Count`, `miniStep`, `gradientStep`,
 * `totalNotfinite` holding an integer in int32 range, not −0), `F64` for every other number; a boolean is a 0-d `BOOL`.
 * Empty subtrees (`null`, `{}`, `[]`, optax's `EmptyState()`) have no tensors; they are in the structure below.
 *
 * ```text
 * file     := N (u64, little-endian) · header (N bytes of UTF-8 JSON, padded with spaces to a multiple of 8) · data
 * header   := { "__metadata__": { "format": "descent-train-state", "version": "1", "step": "<integer>",
 *                                 "structure": "<JSON>", ["optimizer": "<JSON>"], …options.metadata },
 *              "<key>": { "dtype": "F64"|"F32"|"I32"|"BOOL", "shape": [d₀, …], "data_offsets": [begin, end] }, … }
 * data     := each tensor's row-major little-endian bytes, no gaps: 8-byte dtypes first, then 4-byte, then BOOL,
 *             by key within each (so every tensor starts at a multiple of its element size: data starts at 8 + N,
 *             a multiple of 8, as the reference writer aligns it); data_offsets count from the start of data
 * structure:= JSON of { "params": tree, "opt_state": tree }, each leaf replaced by "<dtype>[<shape>]", keys sorted
 * ```
 *
 * @param state - The state to save; its trees must be pytrees, with no two leaves on the same key (a key holding '/').
 * @param options - See {@link SaveSafetensorsOptions}.
 * @returns The bytes of the file.
 * @throws CheckpointError naming the path of a value that is not a pytree, a duplicate key, a bad step or metadata.
 * @example
 * import { adamw, applyUpdates, initTrainState, loadSafetensors, saveSafetensors, tensor } from 'descent-ts'
 * const opt = adamw(0.1, { weightDecay: 1e-4 })
 * const s0 = initTrainState({ layers: [{ w: tensor([1, -2]) }] }, opt)
 * const [u, optState] = opt.update({ layers: [{ w: tensor([0.5, -0]) }] }, s0.optState, s0.params)
 * const s1 = { params: applyUpdates(s0.params, u), optState, step: 1 }
 * const bytes = saveSafetensors(s1, { optimizer: { name: 'adamw', learningRate: 0.1, weightDecay: 1e-4 } })
 * const n = Number(new DataView(bytes.buffer).getBigUint64(0, true))
 * const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)))
 * assert.deepStrictEqual(header['opt_state/0/count'].dtype, 'I32') // int32, as optax's count
 * assert.deepStrictEqual(header['opt_state/0/mu/layers/0/w'].shape, [2])
 * assert.strictEqual(header.__metadata__.step, '1')
 * assert.strictEqual(n % 8, 0)
 * const back = loadSafetensors(bytes, s0)
 * assert.deepStrictEqual(Array.from(back.params.layers[0]!.w.data), Array.from(s1.params.layers[0]!.w.data))
 * assert.strictEqual(back.optState[0].count, 1)
 * @see loadSafetensors, loadSafetensorsE, saveCheckpoint
 * @category train
 * @since 0.2.0
 */
export function saveSafetensors(state: TrainState, options: SaveSafetensorsOptions = {}): Uint8Array<ArrayBuffer> {
  if (typeof state !== 'object' || state === null)
    fail('saveSafetensors: state must be a TrainState { params, optState, step }.')
  const step = checkStep(state.step, 'saveSafetensors')
  const entries = new Map<string, Entry>()
  const structure = {
    params: flatten(state.params, [], ROOTS.params, entries),
    opt_state: flatten(state.optState, [], ROOTS.optState, entries),
  }
  const metadata: Record<string, string> = {
    format: FORMAT,
    version: String(VERSION),
    step: String(step),
    structure: JSON.stringify(structure),
  }
  if (options.optimizer !== undefined) {
    const text = JSON.stringify(options.optimizer)
    if (typeof text !== 'string') fail('saveSafetensors: options.optimizer must be JSON-serialisable.')
    metadata.optimizer = text
  }
  for (const [k, v] of Object.entries(options.metadata ?? {})) {
    if (Object.hasOwn(metadata, k) || k === 'optimizer') fail(`saveSafetensors: options.metadata may not set ${k}.`)
    if (typeof v !== 'string') fail(`saveSafetensors: options.metadata.${k} must be a string; got ${typeof v}.`)
    metadata[k] = v
  }
  const ordered = [...entries.values()].sort(
    (a, b) => WIDTH[b.dtype]! - WIDTH[a.dtype]! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  )
  const header: Record<string, unknown> = { __metadata__: metadata }
  let offset = 0
  for (const e of ordered) {
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + e.bytes.length] }
    offset += e.bytes.length
  }
  const json = new TextEncoder().encode(JSON.stringify(header))
  const n = Math.ceil(json.length / 8) * 8
  const out = new Uint8Array(8 + n + offset)
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true)
  out.set(json, 8)
  out.fill(0x20, 8 + json.length, 8 + n)
  let at = 8 + n
  for (const e of ordered) {
    out.set(e.bytes, at)
    at += e.bytes.length
  }
  return out
}

interface Stored {
  readonly dtype: string
  readonly shape: readonly number[]
  readonly begin: number
  readonly end: number
}

interface Parsed {
  readonly metadata: Readonly<Record<string, string>>
  readonly tensors: ReadonlyMap<string, Stored>
  readonly data: Uint8Array
}

const isCount = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0

/** Reads and checks the container: header length, JSON, offsets inside the data and covering it with no gaps. */
function parseFile(bytes: Uint8Array): Parsed {
  const who = 'loadSafetensors'
  if (!(bytes instanceof Uint8Array)) fail(`${who}: the file must be a Uint8Array; got ${typeof bytes}.`)
  if (bytes.length < 8) fail(`${who}: ${bytes.length} bytes is shorter than the 8-byte header length (truncated?).`)
  const n = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true)
  if (n > BigInt(MAX_HEADER)) fail(`${who}: a header length of ${n} bytes is over the format's limit of 100 MB.`)
  if (Number(n) > bytes.length - 8) {
    fail(`${who}: the header length is ${n} bytes but only ${bytes.length - 8} follow (truncated?).`)
  }
  let header: unknown
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + Number(n))))
  } catch (e) {
    return fail(`${who}: the header is not valid UTF-8 JSON (truncated or edited?): ${(e as Error).message}`)
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header) || bytes[8] !== 0x7b) {
    fail(`${who}: the header is not a JSON object; not a safetensors file.`)
  }
  const data = bytes.subarray(8 + Number(n))
  const h = header as Record<string, unknown>
  const meta = h.__metadata__
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) {
    return fail(`${who}: the file has no __metadata__; not a descent train state (saveSafetensors writes one).`)
  }
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v !== 'string') fail(`${who}: __metadata__.${k} is not a string (the format allows strings only).`)
  }
  const tensors = new Map<string, Stored>()
  for (const name of Object.keys(h)) {
    if (name === '__metadata__') continue
    const info = h[name] as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null
    const bad = (what: string): never => fail(`${who}: ${name}: ${what} in the header (edited?).`)
    if (typeof info !== 'object' || info === null) bad('not a tensor description')
    const { dtype, shape, data_offsets: offsets } = info!
    if (typeof dtype !== 'string') return bad('no dtype')
    const width = WIDTH[dtype]
    if (width === undefined)
      return bad(`dtype ${JSON.stringify(dtype)}, which descent does not read (F64, F32, I64, I32, BOOL)`)
    if (!Array.isArray(shape) || !shape.every(isCount)) return bad('a shape that is not a list of sizes')
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
      return bad('data_offsets that are not [begin, end]')
    }
    const [begin, end] = offsets as [number, number]
    if (begin > end) bad('data_offsets that are not [begin, end]')
    const need = (shape as number[]).reduce((a, b) => a * b, 1) * width
    if (end - begin !== need)
      bad(`${end - begin} bytes for ${dtype}${shapeStr(shape as number[])}, which needs ${need}`)
    if (end > data.length)
      fail(`${who}: ${name}: its bytes end at ${end} but the data holds ${data.length} (truncated?).`)
    tensors.set(name, { dtype, shape: shape as number[], begin, end })
  }
  // The format requires the data to be covered exactly: no gaps, no overlaps, nothing after the last tensor.
  let covered = 0
  for (const t of [...tensors.values()].sort((a, b) => a.begin - b.begin)) {
    if (t.begin !== covered) fail(`${who}: the tensors' bytes overlap or leave a gap at offset ${covered} (edited?).`)
    covered = t.end
  }
  if (covered !== data.length) {
    fail(`${who}: ${data.length - covered} bytes after the last tensor; a safetensors file has none (edited?).`)
  }
  return { metadata: meta as Record<string, string>, tensors, data }
}

function checkEnvelope(meta: Readonly<Record<string, string>>): { step: number; structure: Record<string, unknown> } {
  const who = 'loadSafetensors'
  if (meta.format !== FORMAT) {
    fail(
      `${who}: not a descent train state: __metadata__.format is ${JSON.stringify(meta.format) ?? 'missing'}, ` +
        `expected "${FORMAT}" as written by saveSafetensors (a file written back from Python must keep the metadata).`,
    )
  }
  const version = meta.version ?? ''
  if (!/^[1-9][0-9]*$/.test(version)) {
    fail(`${who}: __metadata__.version must be a positive integer; got ${JSON.stringify(meta.version) ?? 'none'}.`)
  }
  if (Number(version) > VERSION) {
    fail(
      `${who}: the file has format version ${version}, newer than this descent reads (${VERSION}); upgrade descent to load it.`,
    )
  }
  const step = checkStep(/^(0|[1-9][0-9]*)$/.test(meta.step ?? '') ? Number(meta.step) : meta.step, who)
  let structure: unknown
  try {
    structure = JSON.parse(meta.structure ?? '')
  } catch {
    return fail(`${who}: __metadata__.structure is not JSON (edited?).`)
  }
  if (typeof structure !== 'object' || structure === null || !('params' in structure) || !('opt_state' in structure)) {
    fail(`${who}: __metadata__.structure is not { params, opt_state } (edited?).`)
  }
  return { step, structure: structure as Record<string, unknown> }
}

/** How a node of the saved structure reads in a message. */
function describeStructure(x: unknown): string {
  if (x === null) return 'null'
  if (typeof x === 'string') return `a leaf ${x}`
  if (Array.isArray(x)) return `an array of length ${x.length}`
  if (typeof x === 'object') return `an object with keys [${sortedKeys(x).join(', ')}]`
  return `the value ${JSON.stringify(x)}`
}

function readLeaf(file: Parsed, name: string, template: unknown): unknown {
  const t = file.tensors.get(name)
  if (t === undefined) return fail(`${name}: in the template but not in the file`)
  const bytes = file.data.slice(t.begin, t.end)
  const view = new DataView(bytes.buffer)
  const stored = `${t.dtype}${shapeStr(t.shape)}`
  if (isTensor(template)) {
    const want = DTYPE_OF[template.dtype]
    if (t.dtype !== want) fail(`${name}: dtype ${t.dtype} in the file vs ${want} (${template.dtype}) in the template`)
    if (shapeStr(t.shape) !== shapeStr(template.shape)) {
      fail(`${name}: shape ${shapeStr(t.shape)} in the file vs ${shapeStr(template.shape)} in the template`)
    }
    return fromLittleEndian(bytes, template as Tensor)
  }
  if (t.shape.length !== 0)
    fail(`${name}: ${stored} in the file vs a ${typeof template} (a 0-d tensor) in the template`)
  if (typeof template === 'boolean') {
    if (t.dtype !== 'BOOL' || bytes[0]! > 1)
      fail(`${name}: ${stored} in the file vs a boolean (BOOL[]) in the template`)
    return bytes[0] === 1
  }
  switch (t.dtype) {
    case 'F64':
      return view.getFloat64(0, true)
    case 'F32':
      return view.getFloat32(0, true)
    case 'I32':
      return view.getInt32(0, true)
    case 'I64': {
      const v = view.getBigInt64(0, true)
      if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER)) {
        fail(`${name}: the I64 value ${v} is beyond 2^53, not a number descent holds exactly`)
      }
      return Number(v)
    }
    default:
      return fail(`${name}: ${stored} in the file vs a number in the template`)
  }
}

/** Reads the leaves under `name` with the structure of `template`; the first difference throws, naming its key. */
function unflatten(
  file: Parsed,
  saved: unknown,
  template: unknown,
  path: (string | number)[],
  root: string,
  used: Set<string>,
): unknown {
  const kind: NodeKind = kindIn(template, path, root, 'loadSafetensors: the template is not a pytree')
  const name = nameOf(root, path)
  const mismatch = (): never =>
    fail(`${name}: ${describeStructure(saved)} in the file vs ${describeTemplate(template, kind)} in the template`)
  switch (kind) {
    case 'null':
      return saved === null ? null : mismatch()
    case 'array': {
      const t = template as unknown[]
      if (!Array.isArray(saved) || saved.length !== t.length) return mismatch()
      return t.map((c, i) => unflatten(file, saved[i], c, [...path, i], root, used))
    }
    case 'object': {
      if (typeof saved !== 'object' || saved === null || Array.isArray(saved)) return mismatch()
      const keys = sortedKeys(template as object)
      const savedKeys = sortedKeys(saved)
      if (keys.join('\u0000') !== savedKeys.join('\u0000') || keys.length !== savedKeys.length) {
        const missing = keys.filter((k) => !Object.hasOwn(saved, k))
        const extra = savedKeys.filter((k) => !Object.hasOwn(template as object, k))
        const diff = [
          missing.length > 0 ? `missing ${missing.join(', ')}` : '',
          extra.length > 0 ? `unexpected ${extra.join(', ')}` : '',
        ].filter((s) => s !== '')
        fail(
          `${name}: keys [${savedKeys.join(', ')}] in the file vs [${keys.join(', ')}] in the template (${diff.join('; ')})`,
        )
      }
      const out: Record<string, unknown> = {}
      for (const k of keys) {
        const v = unflatten(
          file,
          (saved as Record<string, unknown>)[k],
          (template as Record<string, unknown>)[k],
          [...path, k],
          root,
          used,
        )
        Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true })
      }
      return out
    }
    case 'leaf': {
      if (typeof saved !== 'string') return mismatch()
      if (used.has(name)) fail(`${name}: two leaves of the template have this key (a key holds a '/')`)
      used.add(name)
      return readLeaf(file, name, template)
    }
  }
}

/**
 * Reads a file written by {@link saveSafetensors} (or written back from Python with the same keys and metadata),
 * checked against a template state; the `Either` form of {@link loadSafetensors}, for files from outside the program.
 *
 * Returns `Left(CheckpointError)` for bytes that are not a safetensors file (shorter than their header says, a header
 * that is not JSON, offsets outside the data or leaving gaps), a file without descent's `__metadata__` or with a newer
 * format version, or trees that do not fit the template. The error names the first key that differs (`params`, then
 * `opt_state`, depth first, keys sorted), such as the state of another optimizer (`opt_state/0: keys [count, mu, nu]
 * in the file vs [trace] in the template`), another shape or dtype, a missing or unexpected tensor. Tensors must have
 * the template's dtype (`F32` for float32); a number leaf reads from a 0-d `F64`, `F32`, `I32` or `I64` (Python may
 * write a count as either int type), a boolean from a 0-d `BOOL`. Nothing partial is returned, the template is never
 * modified, and every tensor returned owns fresh storage.
 *
 * ```text
 * loadSafetensorsE(saveSafetensors(s), t) = Right(s)   bit for bit, whenever s has the structure, dtypes and shapes of t
 * ```
 *
 * @param bytes - The file's bytes.
 * @param template - A state with the structure to expect, such as `initTrainState(params, optimizer)`.
 * @returns `Right` of the state (typed as the template), or `Left` of the {@link CheckpointError}.
 * @example
 * import { adam, initTrainState, loadSafetensorsE, saveSafetensors, sgd, tensor } from 'descent-ts'
 * import * as E from 'fp-ts/Either'
 * const params = { w: tensor([1, 2, 3]) }
 * const bytes = saveSafetensors(initTrainState(params, adam(0.1)))
 * const result = loadSafetensorsE(bytes, initTrainState(params, sgd(0.1, { momentum: 0.9 })))
 * assert.ok(E.isLeft(result))
 * assert.strictEqual(result.left.message, 'opt_state/0: keys [count, mu, nu] in the file vs [trace] in the template (missing trace; unexpected count, mu, nu)')
 * assert.ok(E.isLeft(loadSafetensorsE(bytes.subarray(0, 100), initTrainState(params, adam(0.1)))))
 * @see saveSafetensors, loadSafetensors
 * @category train
 * @since 0.2.0
 */
export function loadSafetensorsE<T extends TrainState>(bytes: Uint8Array, template: T): E.Either<CheckpointError, T> {
  return catchCheckpointError(() => {
    const file = parseFile(bytes)
    const { step, structure } = checkEnvelope(file.metadata)
    checkTemplate('loadSafetensors', template)
    const used = new Set<string>()
    const params = unflatten(file, structure.params, template.params, [], ROOTS.params, used)
    const optState = unflatten(file, structure.opt_state, template.optState, [], ROOTS.optState, used)
    const extra = [...file.tensors.keys()].filter((k) => !used.has(k)).sort()
    if (extra.length > 0) fail(`${extra[0]}: in the file but not in the template`)
    return { params, optState, step } as unknown as T
  })
}

/**
 * Reads a file written by {@link saveSafetensors} (or written back by Python with the same keys and metadata) against
 * a template state, bit for bit: resuming from it gives exactly the uninterrupted run. Throws where
 * {@link loadSafetensorsE} returns `Left`; see it and {@link saveSafetensors} for the format and the checks.
 *
 * @param bytes - The file's bytes.
 * @param template - A state with the structure to expect, such as `initTrainState(params, optimizer)`.
 * @returns The state, typed as the template, with fresh tensors.
 * @throws CheckpointError naming the first key that differs, or what is wrong with the bytes.
 * @example
 * import { initTrainState, loadSafetensors, reduceOnPlateau, saveSafetensors, tensor } from 'descent-ts'
 * const opt = reduceOnPlateau({ patience: 2 })
 * // The optimizer state is made from finite params; the params then hold values that must survive bit for bit.
 * const start = initTrainState({ w: tensor([1, 2, 3], 'float64') }, opt)
 * const state = { ...start, params: { w: tensor([-0, NaN, -Infinity], 'float64') }, step: 7 }
 * const back = loadSafetensors(saveSafetensors(state), state)
 * assert.strictEqual(back.step, 7)
 * assert.strictEqual(back.optState.bestValue, Infinity)
 * assert.ok(Object.is(back.params.w.data[0], -0) && Number.isNaN(back.params.w.data[1]))
 * assert.throws(() => loadSafetensors(saveSafetensors(state), initTrainState({ w: tensor([1]) }, opt)), /params\/w: dtype F64 in the file vs F32 \(float32\) in the template/)
 * @see saveSafetensors, loadSafetensorsE, initTrainState
 * @category train
 * @since 0.2.0
 */
export function loadSafetensors<T extends TrainState>(bytes: Uint8Array, template: T): T {
  const result = loadSafetensorsE(bytes, template)
  if (E.isLeft(result)) throw result.left
  return result.right
}
