import type { ScalarOrSchedule } from '../../core/types'
import { warmupConstantSchedule } from '../../schedules/warmupConstantSchedule'

/** The Schedule-Free aliases' learning rate: `learningRate`, or a linear warmup from 0 to it over `warmupSteps`. */
export const withWarmup = (learningRate: number, warmupSteps: number | undefined): ScalarOrSchedule =>
  warmupSteps === undefined
    ? learningRate
    : warmupConstantSchedule({ initValue: 0, peakValue: learningRate, warmupSteps })
