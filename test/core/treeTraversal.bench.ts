/**
 * Micro benchmark of the tree hot paths on a 100-leaf tree (10 layers × 10 tensors of 16 float32): what a training
 * step does to a small model. Not part of the test run: `npx tsx test/core/treeTraversal.bench.ts`.
 * Issue 14's iterative traversal was measured with it against the recursive one (min of 3 runs, µs per call).
 */
import { tree, tensor, sgd, applyUpdates } from '../../src/index'
// 100-leaf tree: 10 layers × { w, b, extras: [..8 numbers-ish tensors] }
const mk = (v: number): never => {
  const layers: Record<string, unknown>[] = []
  for (let i = 0; i < 10; i++) {
    const o: Record<string, unknown> = {}
    for (let j = 0; j < 10; j++) o['p' + j] = tensor(new Float32Array(16).fill(v), [16])
    layers.push(o)
  }
  return { layers } as never
}
const a = mk(1),
  b = mk(2)
const opt = sgd(0.1)
const st = opt.init(a)
const cases: [string, () => unknown][] = [
  ['tree.add', () => tree.add(a, b)],
  ['tree.map', () => tree.map((x) => x, a)],
  ['tree.leaves', () => tree.leaves(a)],
  ['tree.structure', () => tree.structure(a)],
  ['tree.norm', () => tree.norm(a)],
  ['equalStructure', () => tree.equalStructure(a, b)],
  [
    'flatten+unflatten',
    () => {
      const [l, d] = tree.flatten(a)
      return tree.unflatten(d, l)
    },
  ],
  ['sgd update+apply', () => applyUpdates(a, opt.update(b, st, a)[0])],
]
for (const [name, f] of cases) {
  for (let i = 0; i < 3000; i++) f()
  const res: number[] = []
  for (let r = 0; r < 7; r++) {
    const n = 5000
    const t0 = performance.now()
    for (let i = 0; i < n; i++) f()
    res.push(((performance.now() - t0) / n) * 1000)
  }
  res.sort((x, y) => x - y)
  console.log(name.padEnd(20), 'median µs', res[3]!.toFixed(2), ' min', res[0]!.toFixed(2))
}

// Depth scaling (issue 14: traversal linear in depth): µs per level of tree.add on { a: [ { a: … } ] } chains.
const chain = (depth: number): never => {
  let t: unknown = 1
  for (let i = 0; i < depth; i++) t = i % 2 === 0 ? { a: t } : [t]
  return t as never
}
for (const depth of [2_000, 8_000, 32_000]) {
  const t = chain(depth)
  tree.add(t, t)
  const res: number[] = []
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now()
    tree.add(t, t)
    res.push(((performance.now() - t0) / depth) * 1000)
  }
  res.sort((x, y) => x - y)
  console.log(`depth ${depth}`.padEnd(20), 'median µs/level', res[2]!.toFixed(3))
}
