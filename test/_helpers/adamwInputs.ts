import type { AdamwScalars } from '../../src/kernels/wasm/index'

/** n float32 values in [−scale, scale) from a fixed linear congruential sequence (reproducible kernel inputs). */
export const f32 = (n: number, seed: number, scale = 1): Float32Array => {
  // A plain loop: Float32Array.from({ length: n }, fn) costs ~10× more, and tests ask for 8M-element inputs.
  const out = new Float32Array(n)
  let x = seed
  for (let i = 0; i < n; i++) out[i] = (((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1) * scale
  return out
}

/** The host scalars of AdamW's step t (optax's defaults, weight decay 1e-2, learning rate 1e-3), overridable. */
export const scalars = (t: number, o: Partial<AdamwScalars> = {}): AdamwScalars => ({
  b1: 0.9,
  b2: 0.999,
  bc1: 1 - 0.9 ** t,
  bc2: 1 - 0.999 ** t,
  bc1Next: 1 - 0.9 ** (t + 1),
  eps: 1e-8,
  epsRoot: 0,
  wd: 1e-2,
  applyWd: true,
  s: -1e-3,
  nesterov: false,
  ...o,
})
