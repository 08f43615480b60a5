/**
 * fast-check arbitraries for tensors and pytrees, shared by every test folder.
 *
 * Values are kept well conditioned by default (finite, |x| ≤ 100, no subnormals) so that properties can use ordinary
 * float tolerances; pass `min`/`max` to widen them. Trees are small (depth ≤ 3, ≤ 3 children per node) and include
 * `null` subtrees, number leaves and float32/float64 tensors of rank 0–2.
 */
import fc from 'fast-check'
import { type DType, type Leaf, type MaskTree, type PyTree, type Tensor, isTensor, tensor, tree } from '../../src/index'

/** Options of the value arbitraries. */
export interface ValueOptions {
  /** Smallest value. @defaultValue -100 */
  readonly min?: number
  /** Largest value. @defaultValue 100 */
  readonly max?: number
}

/** Options of {@link arbTensor}. */
export interface TensorOptions extends ValueOptions {
  /** The dtype, or `'any'` for either. @defaultValue 'any' */
  readonly dtype?: DType | 'any'
  /** A fixed shape; otherwise one from {@link arbShape}. */
  readonly shape?: readonly number[]
  /** Largest rank of a generated shape. @defaultValue 2 */
  readonly maxRank?: number
  /** Largest dimension of a generated shape. @defaultValue 3 */
  readonly maxDim?: number
  /** Smallest dimension of a generated shape (0 allows empty tensors). @defaultValue 1 */
  readonly minDim?: number
}

/** Options of {@link arbPyTree}. */
export interface PyTreeOptions extends TensorOptions {
  /** Largest nesting depth of nodes. @defaultValue 3 */
  readonly maxDepth?: number
  /** Largest number of children per array or object node. @defaultValue 3 */
  readonly maxChildren?: number
  /** Whether `null` subtrees may appear. @defaultValue true */
  readonly withNull?: boolean
  /** Whether JS number leaves may appear. @defaultValue true */
  readonly withNumbers?: boolean
  /** Whether tensor leaves may appear. @defaultValue true */
  readonly withTensors?: boolean
}

/** Keys used for object nodes: identifiers plus one that needs quoting in a key path. */
export const TREE_KEYS = ['a', 'b', 'c', 'w', 'bias', 'layer 1'] as const

// Tiny magnitudes are flushed to zero: subnormals lose relative precision under scaling and would need special
// tolerances.
const flush = (x: number): number => (Math.abs(x) < 1e-20 ? 0 : x)

/** A float64 value in `[min, max]` (finite, no NaN, no subnormals). */
export const arbFloat64 = (options: ValueOptions = {}): fc.Arbitrary<number> => {
  const { min = -100, max = 100 } = options
  return fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map(flush)
}

/** A value exactly representable in float32, in `[fround(min), fround(max)]` (finite, no NaN, no subnormals). */
export const arbFloat32 = (options: ValueOptions = {}): fc.Arbitrary<number> => {
  const { min = -100, max = 100 } = options
  return fc.float({ min: Math.fround(min), max: Math.fround(max), noNaN: true, noDefaultInfinity: true }).map(flush)
}

/** A float of the given dtype. */
export const arbFloat = (dtype: DType, options: ValueOptions = {}): fc.Arbitrary<number> =>
  dtype === 'float32' ? arbFloat32(options) : arbFloat64(options)

/** A shape of rank 0..maxRank with dimensions in [minDim, maxDim]. */
export const arbShape = (
  options: { readonly maxRank?: number; readonly maxDim?: number; readonly minDim?: number } = {},
): fc.Arbitrary<number[]> => {
  const { maxRank = 2, maxDim = 3, minDim = 1 } = options
  return fc.array(fc.integer({ min: minDim, max: maxDim }), { maxLength: maxRank })
}

/** Either dtype. */
export const arbDType: fc.Arbitrary<DType> = fc.constantFrom<DType>('float32', 'float64')

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1)

/** A tensor of a fixed shape and dtype. */
export const arbTensorOf = (
  shape: readonly number[],
  dtype: DType,
  options: ValueOptions = {},
): fc.Arbitrary<Tensor> => {
  const n = sizeOf(shape)
  return fc.array(arbFloat(dtype, options), { minLength: n, maxLength: n }).map((xs) => tensor(xs, shape, dtype))
}

/** A small tensor: float32 or float64 (see `dtype`), rank 0–2, values in [min, max]. */
export const arbTensor = (options: TensorOptions = {}): fc.Arbitrary<Tensor> => {
  const { dtype = 'any', shape } = options
  const dtypes = dtype === 'any' ? arbDType : fc.constant(dtype)
  const shapes = shape === undefined ? arbShape(options) : fc.constant([...shape])
  return fc.tuple(shapes, dtypes).chain(([s, d]) => arbTensorOf(s, d, options))
}

/** A leaf: a JS number (float64) or a small tensor. */
export const arbLeaf = (options: PyTreeOptions = {}): fc.Arbitrary<Leaf> => {
  const { withNumbers = true, withTensors = true } = options
  const arbs: fc.Arbitrary<Leaf>[] = []
  if (withNumbers) arbs.push(arbFloat64(options))
  if (withTensors) arbs.push(arbTensor(options))
  if (arbs.length === 0) throw new Error('arbLeaf: allow numbers or tensors')
  return fc.oneof(...arbs)
}

/**
 * A small arbitrary pytree: leaves are numbers and float32/float64 tensors, nodes are arrays and plain objects
 * (keys from {@link TREE_KEYS}), and `null` empty subtrees appear anywhere.
 */
export const arbPyTree = (options: PyTreeOptions = {}): fc.Arbitrary<PyTree> => {
  const { maxDepth = 3, maxChildren = 3, withNull = true } = options
  const leaf = arbLeaf(options)
  const key = fc.constantFrom(...TREE_KEYS)
  const { tree: anyTree, node } = fc.letrec<{ tree: PyTree; node: PyTree }>((tie) => ({
    tree: fc.oneof(
      { maxDepth, depthIdentifier: 'pytree', withCrossShrink: true },
      { arbitrary: leaf, weight: 2 },
      ...(withNull ? [{ arbitrary: fc.constant(null) as fc.Arbitrary<PyTree>, weight: 1 }] : []),
      { arbitrary: tie('node'), weight: 4 },
    ),
    node: fc.oneof(
      fc.array(tie('tree'), { maxLength: maxChildren, size: 'max' }),
      fc.dictionary(key, tie('tree'), { maxKeys: maxChildren, size: 'max', noNullPrototype: true }),
    ),
  }))
  // The root is most of the time a node with at least one leaf, so that most cases have several leaves; the rest
  // (a quarter) covers bare leaves, null and empty nodes.
  const rich = node.filter((t) => tree.leaves(t).length > 0)
  return fc.oneof({ arbitrary: anyTree, weight: 1 }, { arbitrary: rich, weight: 3 })
}

/**
 * A tree with the structure of `t` and, at every leaf, a fresh value of the same kind: a number for a number, a
 * tensor of the same shape and dtype for a tensor.
 */
export const arbTreeLike = <T extends PyTree>(t: T, options: ValueOptions = {}): fc.Arbitrary<T> => {
  const [ls, def] = tree.flatten(t)
  const arbs = ls.map((l) => (isTensor(l) ? arbTensorOf(l.shape, l.dtype, options) : arbFloat64(options)))
  return fc.tuple(...arbs).map((newLeaves) => tree.unflatten(def, newLeaves as Leaf[]) as T)
}

/** `n` trees with one structure, the same shapes and dtypes at every leaf. */
export const arbTreeTuple = (n: number, options: PyTreeOptions = {}): fc.Arbitrary<PyTree[]> =>
  arbPyTree(options).chain((t) => fc.array(arbTreeLike(t, options), { minLength: n, maxLength: n }))

/** Two trees of the same structure, shapes and dtypes. */
export const arbTreePair = (options: PyTreeOptions = {}): fc.Arbitrary<readonly [PyTree, PyTree]> =>
  arbTreeTuple(2, options).map(([a, b]) => [a!, b!] as const)

/** Three trees of the same structure, shapes and dtypes. */
export const arbTreeTriple = (options: PyTreeOptions = {}): fc.Arbitrary<readonly [PyTree, PyTree, PyTree]> =>
  arbTreeTuple(3, options).map(([a, b, c]) => [a!, b!, c!] as const)

/**
 * A mask that is a prefix of `t`'s structure: at each node either one boolean for the whole subtree or a node of
 * masks; `null` subtrees stay `null` (or take a boolean).
 */
export const arbPrefixMask = (t: PyTree): fc.Arbitrary<MaskTree> => {
  const go = (x: PyTree): fc.Arbitrary<MaskTree> => {
    if (x === null || tree.isLeaf(x)) return fc.boolean()
    const inner: fc.Arbitrary<MaskTree> = Array.isArray(x)
      ? fc.tuple(...(x as readonly PyTree[]).map(go)).map((ms) => ms as MaskTree)
      : fc
          .tuple(...Object.keys(x).map((k) => go((x as Record<string, PyTree>)[k]!).map((m) => [k, m] as const)))
          .map((entries) => Object.fromEntries(entries) as MaskTree)
    return fc.oneof(fc.boolean(), inner)
  }
  return go(t)
}

/** A tree together with a prefix mask of it. */
export const arbTreeWithMask = (options: PyTreeOptions = {}): fc.Arbitrary<readonly [PyTree, MaskTree]> =>
  arbPyTree(options).chain((t) => arbPrefixMask(t).map((m) => [t, m] as const))
