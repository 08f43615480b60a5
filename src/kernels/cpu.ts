import type { Backend, TypedArray, TypedArrayConstructor } from './backend'

/** @internal The kernels, also on their own: leafMath imports them one by one, so that a bundle keeps only those it uses. */
export const map1 = (f: (a: number) => number, a: TypedArray, Out: TypedArrayConstructor): TypedArray => {
  const n = a.length
  const out = new Out(n)
  for (let i = 0; i < n; i++) out[i] = f(a[i]!)
  return out
}

export const map2 = (
  f: (a: number, b: number) => number,
  a: TypedArray,
  b: TypedArray,
  Out: TypedArrayConstructor,
): TypedArray => {
  const n = a.length
  const out = new Out(n)
  for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!)
  return out
}

export const map3 = (
  f: (a: number, b: number, c: number) => number,
  a: TypedArray,
  b: TypedArray,
  c: TypedArray,
  Out: TypedArrayConstructor,
): TypedArray => {
  const n = a.length
  const out = new Out(n)
  for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!, c[i]!)
  return out
}

export const mapN = (
  f: (...xs: number[]) => number,
  xs: readonly TypedArray[],
  Out: TypedArrayConstructor,
): TypedArray => {
  const n = xs[0]?.length ?? 0
  const out = new Out(n)
  const args = new Array<number>(xs.length)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < xs.length; k++) args[k] = xs[k]![i]!
    out[i] = f(...args)
  }
  return out
}

export const dot = (a: TypedArray, b: TypedArray): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!
  return s
}

export const sumOf = (f: (a: number) => number, a: TypedArray): number => {
  let s = 0
  for (let i = 0; i < a.length; i++) s += f(a[i]!)
  return s
}

export const maxOf = (f: (a: number) => number, a: TypedArray): number => {
  let m = -Infinity
  for (let i = 0; i < a.length; i++) {
    // IEEE 754-2019 maximum: NaN wins (a NaN-containing array reports NaN, not a finite value), and −0 < +0.
    m = Math.max(m, f(a[i]!))
    if (m !== m) return m
  }
  return m
}

/** The plain-TypeScript reference backend: always available, float64 arithmetic, stores in the output dtype. */
export const cpuBackend: Backend = { name: 'cpu', map1, map2, map3, mapN, dot, sumOf, maxOf }
