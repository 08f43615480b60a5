import { describe, expect, it } from 'vitest'
import { DescentError, contrib, sgd, tensor } from '../../src/index'

// Every contrib transform checks the state it is given before using it (src/core/stateCheck.ts), naming itself and
// the path.
const g = { w: tensor([[1, 2]]) }
const wrongShape = { w: tensor([[1, 2, 3]]) }
const cases = [
  ['scaleByMuon', () => contrib.scaleByMuon()],
  ['scaleByAdopt', () => contrib.scaleByAdopt()],
  ['scaleByAdemamix', () => contrib.scaleByAdemamix()],
  ['scaleBySimplifiedAdemamix', () => contrib.scaleBySimplifiedAdemamix()],
  ['scheduleFree', () => contrib.scheduleFree(sgd(0.1), 0.1)],
  ['prodigy', () => contrib.scaleByProdigy()],
  ['scaleBySophia', () => contrib.scaleBySophia()],
  ['sam', () => contrib.sam(sgd(0.1), sgd(0.1))],
  ['dadaptAdamw', () => contrib.scaleByDadaptAdamw()],
  ['scaleByDog', () => contrib.scaleByDog()],
  ['scaleByDowg', () => contrib.scaleByDowg()],
  ['scaleByMadgrad', () => contrib.scaleByMadgrad(0.1)],
  ['scaleByAcprop', () => contrib.scaleByAcprop()],
  ['scaleByCocob', () => contrib.scaleByCocob()],
  ['scaleByMomo', () => contrib.scaleByMomo()],
  ['scaleByMomoAdam', () => contrib.scaleByMomoAdam()],
  ['mechanize', () => contrib.mechanize(sgd(0.1))],
] as const

describe('contrib transforms validate their state at update', () => {
  it.each(cases)('%s refuses a state made for other params, naming the path', (name, make) => {
    const tx = make()
    const state = tx.init(wrongShape as never)
    expect(() => tx.update(g, state as never, g)).toThrow(
      new RegExp(`${name}: (state\\.\\w+|updates)\\.w: shape .* vs state\\.\\w+`),
    )
  })

  it.each(cases)('%s refuses a state of another kind', (name, make) => {
    const tx = make()
    let caught: unknown
    try {
      tx.update(g, { count: 0 } as never, g)
    } catch (e) {
      caught = e
    }
    expect(caught).toBeInstanceOf(DescentError)
    expect(String(caught)).toContain(name)
  })
})
