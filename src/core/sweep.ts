// Expired entries of a keyed record are deleted in one sweep after as many calls as entries were
// kept by the last sweep: the full scan costs O(1) per call, however many entries are kept.

export function createSweep(minInterval: number) {
  let calls = 0
  let next = minInterval
  return function sweep<V>(entries: Record<string, V>, expired: (value: V) => boolean): void {
    if (++calls < next) return
    let kept = 0
    for (const [key, value] of Object.entries(entries)) {
      if (expired(value)) delete entries[key]
      else kept++
    }
    next = calls + Math.max(minInterval, kept)
  }
}
