/**
 * The primitive operations of the autodiff core and their parameters. Every op in `src/grad/ops` is either one
 * `bind` of a primitive or a composition of ops; every primitive has an eager implementation, a JVP rule and a
 * VJP rule in the typed table of `rules.ts` (TypeScript fails the build if one is missing).
 * @internal
 */
import type { DType, Tensor } from '../core/tensor'

type NoParams = Readonly<Record<string, never>>

/** Parameters of a reduction over axes (sorted, distinct, non-negative). */
export interface AxesParams {
  readonly axes: readonly number[]
  readonly keepDims: boolean
}

/** Parameters of the `customJvpCall` primitive (built by `customJvp`). */
export interface CustomJvpParams {
  readonly name: string
  readonly f: (...xs: Tensor[]) => Tensor
  readonly jvp: (primals: readonly Tensor[], tangents: readonly Tensor[]) => readonly [Tensor, Tensor]
  /** Cotangents of the inputs: the transpose of the (linear) tangent map of `jvp` at `primals`. */
  readonly transpose: (primals: readonly Tensor[], ct: Tensor) => readonly (Tensor | null)[]
}

/** Parameters of the `customVjpCall` primitive (built by `customVjp`). */
export interface CustomVjpParams {
  readonly name: string
  readonly f: (...xs: Tensor[]) => Tensor
  readonly fwd: (...xs: Tensor[]) => readonly [Tensor, unknown]
  readonly bwd: (residuals: unknown, ct: Tensor) => readonly (Tensor | null | number)[]
  /** Set by the VJP trace: the residuals `fwd` returned during the forward pass. */
  readonly residuals?: { readonly value: unknown }
}

/** Parameters of every primitive, by name. */
export interface PrimitiveParams {
  readonly add: NoParams
  readonly mul: NoParams
  readonly neg: NoParams
  readonly div: NoParams
  readonly pow: NoParams
  readonly exp: NoParams
  readonly log: NoParams
  readonly log1p: NoParams
  readonly expm1: NoParams
  readonly sin: NoParams
  readonly cos: NoParams
  readonly tanh: NoParams
  readonly logistic: NoParams
  readonly sqrt: NoParams
  readonly rsqrt: NoParams
  readonly abs: NoParams
  readonly sign: NoParams
  /** `max(x, 0)` with relu'(0) = 0: its VJP is one `reluMask` pass, with no mask tensor stored. */
  readonly relu: NoParams
  /** inputs: [ct, x]; `x ≤ 0 ? 0 : ct` (relu's derivative applied to `ct`, linear in `ct`) */
  readonly reluMask: NoParams
  readonly maximum: NoParams
  readonly minimum: NoParams
  /** inputs: [condition, onTrue, onFalse] */
  readonly select: NoParams
  readonly gt: NoParams
  readonly ge: NoParams
  readonly lt: NoParams
  readonly le: NoParams
  readonly eq: NoParams
  readonly ne: NoParams
  readonly sum: AxesParams
  readonly reduceMax: AxesParams
  readonly reduceMin: AxesParams
  /** `(x − m) − log Σ exp(x − m)` over `axes` (sorted, distinct), m = the max over them (a constant). */
  readonly logSoftmax: { readonly axes: readonly number[] }
  /**
   * inputs: [ct, y] with y = logSoftmax(x) over `axes`: `ct − exp(y)·Σ_axes ct` (logSoftmax's VJP in one pass, the
   * values of the composed `sub(ct, mul(exp(y), sum(ct)))` bit for bit); linear in ct.
   */
  readonly logSoftmaxVjp: { readonly axes: readonly number[] }
  readonly reshape: { readonly shape: readonly number[] }
  readonly broadcastTo: { readonly shape: readonly number[] }
  readonly transpose: { readonly perm: readonly number[] }
  /**
   * Batched matmul of operands of rank ≥ 2: `op(a) @ op(b)`, `[..., m, k] @ [..., k, n]`, where `transA` / `transB`
   * read the operand with its last two axes swapped (the VJP uses them instead of materialising transposes).
   */
  readonly matmul: { readonly transA?: boolean; readonly transB?: boolean }
  /**
   * inputs: [x, w, b] with x `[m, k]`, w `[k, n]`, b `[n]`: `x·w + b` in one kernel call (the bias added in the
   * epilogue, on the product's fresh output).
   */
  readonly linear: NoParams
  /** inputs: the tensors to join */
  readonly concat: { readonly axis: number }
  readonly slice: { readonly starts: readonly number[]; readonly sizes: readonly number[] }
  readonly pad: { readonly before: readonly number[]; readonly after: readonly number[] }
  /** inputs: [x, indices]; output shape `x.shape[:axis] ++ indices.shape ++ x.shape[axis+1:]` */
  readonly gather: { readonly axis: number }
  /** inputs: [src, indices]; the transpose of gather into zeros of `shape` */
  readonly scatterAdd: { readonly axis: number; readonly shape: readonly number[] }
  readonly stopGradient: NoParams
  readonly cast: { readonly dtype: DType }
  readonly customJvpCall: CustomJvpParams
  readonly customVjpCall: CustomVjpParams
}

/** The names of the primitives. */
export type Primitive = keyof PrimitiveParams

/** The eager implementation and the two differentiation rules of one primitive. */
export interface Rule<P> {
  /** Computes the output on concrete tensors. */
  readonly impl: (inputs: readonly Tensor[], params: P) => Tensor
  /**
   * Forward mode: the output and its tangent, given input tangents (`null` = symbolically zero). Written with ops,
   * so outer transformations trace through it.
   */
  readonly jvp: (
    primals: readonly Tensor[],
    tangents: readonly (Tensor | null)[],
    params: P,
  ) => readonly [Tensor, Tensor | null]
  /**
   * Reverse mode: the cotangent of each input (`null` = zero, or not needed) from the output cotangent `ct`.
   * `needs[i]` says whether input i needs one. Written with ops, so it is itself differentiable.
   */
  readonly vjp: (
    ct: Tensor,
    primals: readonly Tensor[],
    out: Tensor,
    params: P,
    needs: readonly boolean[],
  ) => readonly (Tensor | null)[]
}

/** The rule table type: one entry per primitive. */
export type RuleTable = { readonly [K in Primitive]: Rule<PrimitiveParams[K]> }
