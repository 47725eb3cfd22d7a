import { describe, expect, it } from 'vitest'
import { shareStrings } from '../src/core/intern.js'

// Sharing strings is invisible to JS (equal strings are ===): what can go wrong is the content. A restored state
// must read exactly as the parsed one, whatever its shape.

describe('shareStrings', () => {
  it('leaves every value as it was: nested records, arrays, long strings, odd keys, deep nesting', () => {
    let deep: unknown = 'bottom'
    for (let i = 0; i < 200; i++) deep = { level: i, next: deep, tag: 'same' }
    const text = JSON.stringify({
      orgs: { org_1: { id: 'org_1', ids: ['tr_1', 'tr_2', 'tr_1'] }, org_2: { id: 'org_2', ids: [] } },
      transfers: { tr_1: { orgId: 'org_1', status: 'pending', note: 'x'.repeat(500) }, tr_2: { orgId: 'org_1', status: 'pending', note: null } },
      mixed: [1, 'org_1', null, ['org_1', { k: 'org_1' }], true],
      deep,
    })
    const parsed = JSON.parse(`{"__proto__":"org_1","constructor":"org_1",${text.slice(1)}`)
    const expected = JSON.parse(`{"__proto__":"org_1","constructor":"org_1",${text.slice(1)}`)
    shareStrings(parsed)
    expect(parsed).toEqual(expected)
    expect(JSON.stringify(parsed)).toBe(JSON.stringify(expected))
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype)
  })

  it('accepts anything that is not an object', () => {
    for (const v of [null, undefined, 1, 'text', true]) expect(() => shareStrings(v)).not.toThrow()
  })
})
