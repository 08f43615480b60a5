import { HyperparameterError } from '../../core/errors'
import { checkBoolean, inheritNotes } from '../../core/hyperparams'
import type { ExtraArgs, GradientTransformation, PyTree } from '../../core/types'
import type { ConditionFn, ConditionallyTransformOptions, ConditionallyTransformState } from '../conditionallyTransform'
import { checkTransformation } from './isTransformation'
import { type StateSpec, checkParams, checkState, innerStateChecker } from '../../core/stateCheck'

const STATE: StateSpec = { innerState: 'any', step: 'count' }

/** @internal The shared body of conditionallyTransform / conditionallyMask. */
export function conditionalBody<S>(
  owner: string,
  inner: GradientTransformation<S>,
  shouldTransformFn: ConditionFn,
  options: ConditionallyTransformOptions,
  reject: <P extends PyTree>(updates: P) => P,
): GradientTransformation<ConditionallyTransformState<S>> {
  checkTransformation(owner, 'inner', inner)
  if (typeof shouldTransformFn !== 'function') {
    throw new HyperparameterError(
      `${owner} shouldTransformFn must be a function (step, extra?) => boolean; got ${String(shouldTransformFn)}`,
    )
  }
  const forward = checkBoolean(owner, 'options.forwardExtraArgs', options.forwardExtraArgs ?? false)
  const checkInner = innerStateChecker(owner, 'state.innerState', inner)
  // The inner transform's hyperparameter findings are reported through the wrapper.
  return inheritNotes(
    {
      init: (params) => (checkParams(`${owner}.init`, params), { innerState: inner.init(params), step: 0 }),
      update: <P extends PyTree>(updates: P, state: ConditionallyTransformState<S>, params?: P, extra?: ExtraArgs) => {
        checkState(owner, state, STATE, updates, params)
        checkInner(state.innerState, params ?? updates)
        const run = forward ? shouldTransformFn(state.step, extra ?? {}) : shouldTransformFn(state.step)
        const [u, innerState] = run
          ? inner.update(updates, state.innerState, params, extra)
          : ([reject(updates), state.innerState] as const)
        return [u, { innerState, step: state.step + 1 }] as const
      },
    },
    [inner],
  )
}
