// A binary min-heap: the scheduler's index of due times, so finding the next job does not scan them all.

export class MinHeap<T> {
  private items: T[] = []

  constructor(private readonly less: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length
  }

  peek(): T | undefined {
    return this.items[0]
  }

  push(item: T): void {
    const a = this.items
    a.push(item)
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1
      if (!this.less(a[i]!, a[parent]!)) break
      ;[a[i], a[parent]] = [a[parent]!, a[i]!]
      i = parent
    }
  }

  pop(): T | undefined {
    const a = this.items
    const top = a[0]
    const last = a.pop()
    if (a.length === 0 || last === undefined) return top
    a[0] = last
    for (let i = 0; ; ) {
      const l = 2 * i + 1
      const r = l + 1
      let min = i
      if (l < a.length && this.less(a[l]!, a[min]!)) min = l
      if (r < a.length && this.less(a[r]!, a[min]!)) min = r
      if (min === i) break
      ;[a[i], a[min]] = [a[min]!, a[i]!]
      i = min
    }
    return top
  }
}
