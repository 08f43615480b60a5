import { type EmptyState, initEmptyState, scaleTree } from '../../core/base'
import { type Fusible, markFusible } from '../../core/fusion'
import { EMPTY_STATE_SPEC, type StateSpec, checkParams, checkState } from '../../core/stateCheck'
import type { GradientTransformation, Schedule } from '../../core/types'
import type { ScaleByScheduleState } from '../scaleBySchedule'

const COUNT: StateSpec = { count: 'count' }

/**
 * @internal {@link scale}'s transform for a factor its caller has checked, with the fusion facts to attach
 * (scaleByLearningRate's carry its learning rate): an app that only uses scaleByLearningRate does not carry scale's
 * own checks.
 */
export const constantScaling = (s: number, facts: Fusible): GradientTransformation<EmptyState> =>
  markFusible<GradientTransformation<EmptyState>>(
    {
      init: initEmptyState,
      update: (updates, state, params) => {
        checkState('scale', state, EMPTY_STATE_SPEC, updates, params)
        return [scaleTree(s, updates), state]
      },
    },
    facts,
  )

/** @internal {@link scaleBySchedule}'s transform for a schedule its caller has checked, as {@link constantScaling}. */
export const scheduledScaling = (fn: Schedule, facts: Fusible): GradientTransformation<ScaleByScheduleState> =>
  markFusible<GradientTransformation<ScaleByScheduleState>>(
    {
      init: (params) => (checkParams('scaleBySchedule.init', params), { count: 0 }),
      update: (updates, state, params) => {
        checkState('scaleBySchedule', state, COUNT, updates, params)
        return [scaleTree(fn(state.count), updates), { count: state.count + 1 }]
      },
    },
    facts,
  )
