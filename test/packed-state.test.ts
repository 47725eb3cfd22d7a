import { describe, expect, it } from 'vitest'
import { packState, unpackState } from '../src/core/packed-state.js'

// The prepared state behind POST /__admin/reset: what is read back must be exactly what was kept.

describe('packState / unpackState', () => {
  const state = () => ({
    core: { jobs: {}, nextJobId: 3, webhooks: { deliveries: {}, order: ['a', 'b'] } },
    fintoc: {
      // a record map larger than one part
      transfers: Object.fromEntries(Array.from({ length: 2500 }, (_, i) => [`tr_${i}`, { id: `tr_${i}`, orgId: 'org_1', metadata: i % 2 ? null : { deep: { list: [1, 'x', null, true] } } }])),
      outcomeRules: [{ direction: 'outbound', amount: undefined, outcome: 'failed' }],
      clabeSeq: 7,
    },
    odd: JSON.parse('{"__proto__":{"kept":true},"constructor":"x"}'),
  })

  it('reads back an equal, independent copy, a slice at a time', () => {
    const original = state()
    const parts = packState(original)
    expect(parts.length).toBeGreaterThan(5)
    const reading = unpackState<ReturnType<typeof state>>(parts)
    let steps = 1
    while (!reading.step(0)) steps++
    expect(steps).toBeGreaterThan(1)
    const copy = reading.result()
    expect(copy).toEqual(original)
    expect(Object.keys(copy.fintoc.transfers)).toEqual(Object.keys(original.fintoc.transfers))
    expect('amount' in copy.fintoc.outcomeRules[0]!).toBe(true)
    expect(Object.getPrototypeOf(copy.odd)).toBe(Object.prototype)
    expect(Object.hasOwn(copy.odd, '__proto__')).toBe(true)
    // nothing is shared with the original, nor between two copies
    copy.fintoc.transfers.tr_0!.orgId = 'changed'
    const again = unpackState<ReturnType<typeof state>>(parts)
    again.step(Number.POSITIVE_INFINITY)
    expect(again.result().fintoc.transfers.tr_0!.orgId).toBe('org_1')
    expect(original.fintoc.transfers.tr_0!.orgId).toBe('org_1')
  })

  it('refuses to hand out a copy before it is whole', () => {
    const reading = unpackState(packState(state()))
    expect(() => reading.result()).toThrow(/not whole/)
  })
})
