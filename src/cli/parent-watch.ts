/** Calls `onGone` once, when this process's parent has exited (the process was handed to another parent). */
export function watchParent(onGone: () => void, everyMs = 500): void {
  const parent = process.ppid
  const timer = setInterval(() => {
    if (process.ppid === parent) return
    clearInterval(timer)
    onGone()
  }, everyMs)
  // never what keeps the process alive
  timer.unref()
}
