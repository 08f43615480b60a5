import { type ExtraArgs, type PyTree, adam, chain, contrib, sgd, stateless, tree } from '../../src/index'
import { type LawCase, describeTransformLaws, fields, part } from '../_helpers/lawSuite'

// The transform laws (descent-ts/testing checkTransformLaws) over optax.contrib, on the same fixed and random pytrees as
// test/laws/transformLaws.test.ts. scaleByMuon needs every leaf to be a matrix, so it runs inside muon's partition.
// dpsgd / differentiallyPrivateAggregate are not here: they take per-example gradients ([batch, ...shape]) and return
// the params' shapes, which the laws (same structure and shapes in and out) do not allow; test/contrib/dpsgd.test.ts
// and the resume/fuzz tables (optimizerCases.ts, with per-example gradients) cover them.
export const CONTRIB_LAW_CASES: readonly LawCase[] = [
  { name: 'contrib.muon(0.05)', make: () => contrib.muon(0.05) },
  // Schedule-Free keeps z, a copy of the params, in its state.
  { name: 'contrib.scheduleFreeSgd(0.05)', make: () => contrib.scheduleFreeSgd(0.05), initUsesParams: true },
  {
    name: 'contrib.scheduleFreeAdamw(0.05, warmup)',
    make: () => contrib.scheduleFreeAdamw(0.05, { warmupSteps: 2, weightDecay: 0.01 }),
    initUsesParams: true,
  },
  { name: 'contrib.scaleByAdopt()', make: () => contrib.scaleByAdopt(), moments: fields('mu', 'nu') },
  { name: 'contrib.adopt(0.05, nesterov)', make: () => contrib.adopt(0.05, { nesterov: true }) },
  {
    name: 'contrib.scaleByAdemamix(b3, alpha schedules)',
    make: () => contrib.scaleByAdemamix({ b3: (c) => 0.9 + 0.01 * c, alpha: (c) => c }),
    moments: fields('m1', 'm2', 'nu'),
  },
  { name: 'contrib.ademamix(0.05)', make: () => contrib.ademamix(0.05, { weightDecay: 0.01 }) },
  {
    name: 'contrib.scaleBySimplifiedAdemamix()',
    make: () => contrib.scaleBySimplifiedAdemamix(),
    moments: fields('m', 'n'),
  },
  { name: 'contrib.simplifiedAdemamix(0.01)', make: () => contrib.simplifiedAdemamix(0.01) },
  // Prodigy keeps x₀, a copy of the params, in its state.
  { name: 'contrib.prodigy()', make: () => contrib.prodigy(), initUsesParams: true },
  {
    name: 'contrib.sophia(0.05) with a constant Hessian diagonal',
    make: () => contrib.sophia(0.05, { hessianDiagonalFn: stateless((u) => tree.mapElementwise(() => 2, u)) }),
  },
  { name: 'contrib.normalize()', make: () => contrib.normalize(), moments: () => [] },
  // SAM caches a copy of the params.
  {
    name: 'contrib.sam(adam, normalize + sgd)',
    make: () => contrib.sam(adam(0.05), chain(contrib.normalize(), sgd(0.01)), { syncPeriod: 3 }),
    initUsesParams: true,
  },
  { name: 'contrib.dadaptAdamw(1, weightDecay)', make: () => contrib.dadaptAdamw(1, { weightDecay: 0.01 }) },
  // DoG and DoWG keep x₀, a copy of the params (and the heuristic reads ‖x₀‖).
  { name: 'contrib.dog()', make: () => contrib.dog(), initUsesParams: true },
  { name: 'contrib.dowg()', make: () => contrib.dowg(), initUsesParams: true },
  { name: 'contrib.madgrad(0.05)', make: () => contrib.madgrad(0.05), initUsesParams: true },
  { name: 'contrib.scaleByAcprop()', make: () => contrib.scaleByAcprop(), moments: fields('mu', 'nu') },
  { name: 'contrib.acprop(0.01)', make: () => contrib.acprop(0.01) },
  { name: 'contrib.cocob()', make: () => contrib.cocob(), initUsesParams: true },
  // Mechanic keeps x₀, a copy of the params, in its state.
  { name: 'contrib.mechanize(adam(1))', make: () => contrib.mechanize(adam(1), { numBetas: 3 }), initUsesParams: true },
  // MoMo needs the loss value at the params at every step.
  {
    name: 'contrib.momo(1, adaptLowerBound, weightDecay) (value passed)',
    make: () => contrib.momo(1, { adaptLowerBound: true, weightDecay: 0.01 }),
    extraArgs: withValue,
    moments: part(0, fields('expAvg')),
  },
  {
    name: 'contrib.momoAdam(0.05, adaptLowerBound) (value passed)',
    make: () => contrib.momoAdam(0.05, { adaptLowerBound: true }),
    extraArgs: withValue,
    moments: part(0, fields('expAvg', 'expAvgSq')),
  },
]

/** The loss value MoMo needs: value = ½‖θ‖² + 1 (a function of the params only). */
function withValue(params: PyTree): ExtraArgs {
  return { value: 1 + 0.5 * tree.vdot(params, params) }
}

describeTransformLaws(CONTRIB_LAW_CASES)
