import type { ClaimLock } from './writerClaim.ts'

/** Web Locks as one origin's pages see them: one holder per name, the others wait or give up. */
export function memoryLocks(): ClaimLock {
  const held = new Set<string>()
  const waiting = new Map<string, (() => void)[]>()
  return (name, signal) =>
    new Promise((resolve) => {
      const take = () => {
        held.add(name)
        resolve(() => {
          held.delete(name)
          waiting.get(name)?.shift()?.()
        })
      }
      if (!held.has(name)) return take()
      if (signal.aborted) return resolve(null)
      const queue = waiting.get(name) ?? []
      waiting.set(name, queue)
      const wake = () => {
        signal.removeEventListener('abort', giveUp)
        take()
      }
      const giveUp = () => {
        queue.splice(queue.indexOf(wake), 1)
        resolve(null)
      }
      queue.push(wake)
      signal.addEventListener('abort', giveUp, { once: true })
    })
}
