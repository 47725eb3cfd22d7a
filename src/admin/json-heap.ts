import { getHeapStatistics } from 'node:v8'

// How much heap JSON.parse would need for a body, estimated from its bytes before parsing: a body well under
// ADMIN_BODY_LIMIT can still be dense enough (`[{},{},…]`: 3 bytes per object) to exhaust the heap and crash V8.

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COLON = 0x3a
const COMMA = 0x2c
const OPEN_OBJECT = 0x7b
const OPEN_ARRAY = 0x5b

/** bytes of heap per object or array, per value slot, per string (on top of its characters) */
const CONTAINER = 56
const SLOT = 12
const STRING = 24

export function parsedHeapEstimate(bytes: Uint8Array): number {
  let containers = 0
  let slots = 0
  let strings = 0
  let stringBytes = 0
  let lastString = 0
  let inString = false
  let start = 0
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!
    if (inString) {
      if (b === BACKSLASH) i++
      else if (b === QUOTE) {
        inString = false
        lastString = i - start
        strings++
        stringBytes += lastString
      }
    } else if (b === QUOTE) {
      inString = true
      start = i
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) containers++
    else if (b === COMMA) slots++
    else if (b === COLON) {
      // that string was a property name: V8 keeps one copy of each
      strings--
      stringBytes -= lastString
    }
  }
  return containers * CONTAINER + (slots + containers) * SLOT + strings * STRING + stringBytes
}

/** heap left before V8's limit (what is used includes garbage not yet collected: an overestimate) */
export function freeHeap(): number {
  const { heap_size_limit, used_heap_size } = getHeapStatistics()
  return heap_size_limit - used_heap_size
}

const mb = (n: number) => Math.ceil(n / 2 ** 20)

/** why these bytes must not be parsed (they would not fit in the heap, text and parsed value together), or undefined */
export function heapProblem(bytes: Uint8Array, free: number): string | undefined {
  const need = bytes.length + parsedHeapEstimate(bytes)
  if (need <= free) return undefined
  return `The request body would need about ${mb(need)} MB of heap to parse and ${mb(free)} MB are free: send less, or start node with a larger --max-old-space-size`
}
