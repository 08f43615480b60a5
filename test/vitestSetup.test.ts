import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { getBackend, setBackend } from '../src/index'
import { DEFAULT_SEED } from './_helpers/seed'

// What vitest.setup.ts promises every test file: the fixed seed, 100 runs per property, plain tests run once.
describe('vitest.setup.ts', () => {
  let plainRuns = 0
  let propertyRuns = 0

  test('a plain test body runs once (counted by the next test)', () => {
    plainRuns += 1
  })

  test.prop([fc.integer()])('a property runs fast-check’s default number of times (counted by the next test)', () => {
    propertyRuns += 1
  })

  test('counts: 1 plain run, 100 property runs, with the fixed seed', () => {
    expect(plainRuns).toBe(1)
    expect(propertyRuns).toBe(100)
    expect(fc.readConfigureGlobal().seed).toBe(process.env.FC_SEED ? Number(process.env.FC_SEED) : DEFAULT_SEED)
  })

  test('the library’s process-wide state starts at its defaults in every file', () => {
    expect(getBackend()).toBe('auto')
    setBackend('auto')
  })
})
