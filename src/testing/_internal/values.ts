import { isTensor } from '../../core/tensor'

/**
 * Value helpers of the transform laws, written for any state a transform may keep (numbers, tensors, booleans,
 * strings, functions, nested records and arrays), not only pytrees.
 */

const key = (path: string, k: string | number): string =>
  typeof k === 'number'
    ? `${path}[${k}]`
    : /^[A-Za-z_$][\w$]*$/.test(k)
      ? `${path}.${k}`
      : `${path}[${JSON.stringify(k)}]`

const bytesOf = (x: ArrayBufferView): Uint8Array =>
  new Uint8Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength))

/**
 * A deep copy of `x` down to the bits: typed arrays (and tensor storage) become byte copies, numbers are kept with
 * their sign of zero and NaN, functions by identity. Two fingerprints are equal iff the values are bit-identical.
 */
export function fingerprint(x: unknown): unknown {
  if (isTensor(x)) return { tensor: x.dtype, shape: [...x.shape], bytes: bytesOf(x.data) }
  if (ArrayBuffer.isView(x)) return { view: x.constructor.name, bytes: bytesOf(x) }
  if (Array.isArray(x)) return x.map(fingerprint)
  if (typeof x === 'object' && x !== null)
    return Object.fromEntries(
      Object.keys(x)
        .sort()
        .map((k) => [k, fingerprint((x as Record<string, unknown>)[k])]),
    )
  return x
}

/** The first path where two fingerprints differ, with what differs; `undefined` when they are equal. */
export function firstDifference(a: unknown, b: unknown, path = ''): string | undefined {
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array)) return `${path || 'root'}: storage vs non-storage`
    if (a.length !== b.length) return `${path || 'root'}: ${a.length} vs ${b.length} bytes`
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return `${path || 'root'}: bytes differ at byte ${i}`
    return undefined
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length)
      return `${path || 'root'}: ${describeKind(a)} vs ${describeKind(b)}`
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], key(path, i))
      if (d !== undefined) return d
    }
    return undefined
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a)
    const kb = Object.keys(b)
    if (ka.join('\u0000') !== kb.join('\u0000')) return `${path || 'root'}: keys {${ka}} vs {${kb}}`
    for (const k of ka) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], key(path, k))
      if (d !== undefined) return d
    }
    return undefined
  }
  return Object.is(a, b) ? undefined : `${path || 'root'}: ${String(a)} vs ${String(b)}`
}

const describeKind = (x: unknown): string =>
  Array.isArray(x) ? `array(${x.length})` : x === null ? 'null' : typeof x === 'object' ? 'object' : typeof x

/**
 * The layout of `x`: its structure with every value replaced by its kind (a tensor by `dtype[shape]`, a number by
 * `number`, …). Two values have the same structure, shapes and dtypes iff their layouts are equal.
 */
export function layout(x: unknown): unknown {
  if (isTensor(x)) return `${x.dtype}[${x.shape.join(',')}]`
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}(${(x as unknown as { length: number }).length})`
  if (Array.isArray(x)) return x.map(layout)
  if (typeof x === 'object' && x !== null)
    return Object.fromEntries(
      Object.keys(x)
        .sort()
        .map((k) => [k, layout((x as Record<string, unknown>)[k])]),
    )
  return x === null ? null : typeof x
}

/** The path of the first non-finite number (or tensor element) in `x`, or `undefined`. */
export function firstNonFinite(x: unknown, path = ''): string | undefined {
  if (typeof x === 'number') return Number.isFinite(x) ? undefined : `${path || 'root'} = ${x}`
  const data = isTensor(x) ? x.data : x instanceof Float32Array || x instanceof Float64Array ? x : undefined
  if (data !== undefined) {
    const i = data.findIndex((v) => !Number.isFinite(v))
    return i === -1 ? undefined : `${path || 'root'}, element ${i} = ${data[i]}`
  }
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      const d = firstNonFinite(x[i], key(path, i))
      if (d !== undefined) return d
    }
    return undefined
  }
  if (typeof x === 'object' && x !== null)
    for (const k of Object.keys(x).sort()) {
      const d = firstNonFinite((x as Record<string, unknown>)[k], key(path, k))
      if (d !== undefined) return d
    }
  return undefined
}
