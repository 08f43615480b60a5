import { isDeepStrictEqual } from 'node:util'
import { expect } from 'vitest'
import { type PyTree, type Tensor, isTensor, tree } from '../../src/index'

/** Plain nested numbers for a tree (Tensors become `{ shape, dtype, values }`), for readable diffs. */
export const toPlain = (t: PyTree): unknown =>
  tree.map((l) => (isTensor(l) ? ({ shape: l.shape, dtype: l.dtype, values: Array.from(l.data) } as never) : l), t)

/** Asserts identical structure, shapes and dtypes, and values within `|a−b| ≤ atol + rtol·|b|`. */
export function expectTreesClose(
  actual: PyTree,
  expected: PyTree,
  options: { rtol?: number; atol?: number } = {},
): void {
  expectSameStructure(actual, expected)
  const { rtol = 1e-6, atol = 1e-7 } = options
  if (!tree.allClose(actual, expected, { rtol, atol })) {
    expect(toPlain(actual)).toEqual(toPlain(expected))
    throw new Error(`trees differ beyond rtol=${rtol}, atol=${atol}`)
  }
}

/** Asserts the two trees are bit-identical: same structure, shapes, dtypes and every value (NaN equals NaN). */
export function expectTreesEqual(actual: unknown, expected: unknown): void {
  // vitest's toEqual over one array entry per byte takes seconds on large tensors: compare the bytes as one string
  // first (the same verdict: equal bytes are equal entries), and build the per-byte form only for the diff.
  if (isDeepStrictEqual(toPlainDeep(actual, bitString), toPlainDeep(expected, bitString))) return
  expect(toPlainDeep(actual, bitArray)).toEqual(toPlainDeep(expected, bitArray))
}

const bitArray = (bytes: Uint8Array): unknown => Array.from(bytes)
const bitString = (bytes: Uint8Array): unknown => Buffer.from(bytes).toString('base64')

const toPlainDeep = (x: unknown, bits: (bytes: Uint8Array) => unknown): unknown => {
  if (isTensor(x))
    return {
      shape: x.shape,
      dtype: x.dtype,
      bits: bits(new Uint8Array(x.data.buffer, x.data.byteOffset, x.data.byteLength)),
    }
  if (typeof x === 'number') return Number.isNaN(x) ? 'NaN' : Object.is(x, -0) ? '-0' : x
  if (Array.isArray(x)) return x.map((c) => toPlainDeep(c, bits))
  if (typeof x === 'object' && x !== null)
    return Object.fromEntries(
      Object.keys(x)
        .sort()
        .map((k) => [k, toPlainDeep((x as Record<string, unknown>)[k], bits)]),
    )
  return x
}

/** The bytes a view covers (no copy). */
const bytes = (a: ArrayBufferView): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength)

/**
 * `expect(actual).toEqual(expected)` for large typed arrays: vitest's deep equality takes seconds per million
 * entries, so equal bytes in arrays of the same type pass at once (equal bytes are Object.is-equal entries, what
 * toEqual compares), and anything else goes to toEqual for its verdict and diff.
 */
export function expectTypedArraysEqual<T extends ArrayBufferView>(actual: T, expected: T): void {
  if (actual.constructor === expected.constructor && bytes(actual).equals(bytes(expected))) return
  expect(actual).toEqual(expected)
}

/**
 * The same bytes, NaN payloads included (where a test claims bit-identity: toEqual, which
 * {@link expectTypedArraysEqual} falls back to, takes any NaN for any other). A mismatch reports its first index.
 */
export function expectSameBits<T extends ArrayBufferView>(actual: T, expected: T): void {
  expect(actual.constructor).toBe(expected.constructor)
  const [x, y] = [bytes(actual), bytes(expected)]
  if (x.equals(y)) return
  let i = 0
  while (i < Math.min(x.length, y.length) && x[i] === y[i]) i++
  expect({ length: x.length, firstDifferentByte: i }).toEqual({ length: y.length, firstDifferentByte: -1 })
}

/** Asserts both trees have the same structure, and the same shape and dtype at every tensor leaf. */
export function expectSameStructure(actual: PyTree, expected: PyTree): void {
  expect(tree.structure(actual)).toEqual(tree.structure(expected))
  const shapes = (t: PyTree) => tree.leaves(t).map((l) => (isTensor(l) ? `${l.dtype}[${l.shape.join(',')}]` : typeof l))
  expect(shapes(actual)).toEqual(shapes(expected))
}

const snapshotBytes = (x: unknown, out: Uint8Array[]): void => {
  if (isTensor(x))
    out.push(new Uint8Array(x.data.buffer.slice(x.data.byteOffset, x.data.byteOffset + x.data.byteLength)))
  else if (ArrayBuffer.isView(x)) out.push(new Uint8Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength)))
  else if (Array.isArray(x)) x.forEach((c) => snapshotBytes(c, out))
  else if (typeof x === 'object' && x !== null)
    Object.keys(x)
      .sort()
      .forEach((k) => snapshotBytes((x as Record<string, unknown>)[k], out))
}

/**
 * Calls `fn` and asserts that none of `inputs` was modified: every typed array reachable from them is byte-compared
 * before and after (Object.freeze cannot freeze typed arrays), and the JSON shape of plain values is compared too.
 */
export function expectInputsUnchanged<R>(fn: () => R, ...inputs: unknown[]): R {
  const before: Uint8Array[] = []
  inputs.forEach((x) => snapshotBytes(x, before))
  const shapeBefore = JSON.stringify(inputs, (_, v) => (ArrayBuffer.isView(v) ? '<data>' : v))
  const result = fn()
  const after: Uint8Array[] = []
  inputs.forEach((x) => snapshotBytes(x, after))
  expect(after.length).toBe(before.length)
  before.forEach((b, i) => expect(Buffer.from(after[i]!).equals(Buffer.from(b))).toBe(true))
  expect(JSON.stringify(inputs, (_, v) => (ArrayBuffer.isView(v) ? '<data>' : v))).toBe(shapeBefore)
  return result
}

/** The values of a tensor leaf as a plain number array. */
export const values = (t: PyTree): number[] => {
  if (!isTensor(t)) throw new Error('expected a Tensor')
  return Array.from((t as Tensor).data)
}

/**
 * Runs `check(i)` (the test's expect calls for index i) for every i in [0, n) where `holds(i)`, the same condition
 * in plain JavaScript, is false. When `holds(i)` implies `check(i)` passes, the verdict and the failure message are
 * those of calling `check` for every i, without vitest's cost per expect call (about 10 µs) on the tens of thousands
 * of entries of a kernel's output.
 */
export function expectEvery(n: number, holds: (i: number) => boolean, check: (i: number) => void): void {
  for (let i = 0; i < n; i++) if (!holds(i)) check(i)
}

/** Whether two arrays have the same length and Object.is-equal entries (what toEqual compares for numbers). */
export const sameEntries = (a: readonly unknown[], b: readonly unknown[]): boolean =>
  a.length === b.length && a.every((x, i) => Object.is(x, b[i]))
