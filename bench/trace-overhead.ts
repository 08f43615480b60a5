// The autodiff's fixed cost per op (issue 13): ops on 1-element tensors, where the kernel's work is nil, so what is
// timed is bind, the trace's bookkeeping, the VJP rule's ops and the cotangent accumulation. Each line is the median
// over rounds of (time of a chain of `n` ops) / n, for: eager ops, the forward pass under valueAndGrad (tracing only:
// the loss is read by a grad that never pulls back) and a full valueAndGrad (forward + pullback). The MLP step's
// op count times these figures is its fixed cost (docs/performance.md, MLP section).
//   npx tsx bench/trace-overhead.ts [n] [rounds]
import { type Tensor, ops, tensor, valueAndGrad, vjp } from '../src/index'
import { median } from './lib'

const n = Number(process.argv[2] ?? 200)
const rounds = Number(process.argv[3] ?? 300)
const x0 = tensor([0.5])
const w = tensor([0.999])

type Op = (x: Tensor) => Tensor
const chains: Record<string, Op> = {
  'mul (binary, same shape)': (x) => ops.mul(x, w),
  'add (binary, same shape)': (x) => ops.add(x, w),
  'exp (unary)': (x) => ops.exp(ops.mul(x, 0)),
  'relu (one primitive)': (x) => ops.relu(x),
}
const chain =
  (op: Op) =>
  (x: Tensor): Tensor => {
    let y = x
    for (let i = 0; i < n; i++) y = op(y)
    return ops.sum(y)
  }

const time = (f: () => unknown): number => {
  const t0 = performance.now()
  f()
  return performance.now() - t0
}

console.log(`µs per op, median of ${rounds} rounds of chains of ${n} ops on [1] tensors`)
console.log('op'.padEnd(28) + 'eager'.padStart(9) + 'traced'.padStart(9) + 'fwd+bwd'.padStart(9))
for (const [name, op] of Object.entries(chains)) {
  const f = chain(op)
  const vg = valueAndGrad(f)
  const runs: [string, () => unknown][] = [
    ['eager', () => f(x0)],
    ['traced', () => vjp(f, x0)],
    ['fwd+bwd', () => vg(x0)],
  ]
  const ts = runs.map(() => [] as number[])
  for (let r = 0; r < rounds + 20; r++) {
    runs.forEach(([, g], k) => {
      const t = time(g)
      if (r >= 20) ts[k]!.push(t)
    })
  }
  // The chain of a unary op built as exp(mul(x, 0)) counts two ops per link.
  const per = name.startsWith('exp') ? 2 * n : n
  console.log(name.padEnd(28) + ts.map((t) => ((1000 * median(t)) / per).toFixed(2).padStart(9)).join(''))
}
