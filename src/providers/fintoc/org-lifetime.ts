import type { Clock } from '../../core/clock.js'
import type { IdGenerator } from '../../core/ids.js'
import type { Logger } from '../../core/logger.js'
import type { StateSlice } from '../types.js'
import { hashKey, type OrgFor, provisionOrg } from './auth.js'
import { expireOrgs } from './org-expiry.js'
import type { FintocState, OrgRecord } from './state.js'

// Organizations made on the fly by new keys are freed once idle: each one's last use is kept in memory only (no
// store write per request; at boot, reset or restore every stored one counts as used then), and a sweep frees
// those unused for FINTOC_ORG_IDLE_TTL_MS of wall time, or the least recently used past FINTOC_MAX_AUTO_ORGS.
// Organizations declared in a scenario are never freed.

/** an organization used this recently may have a request under way: the cap never frees it */
const IN_USE_MS = 1000
/** organizations freed by one sweep (one store update), so a sweep never holds the event loop for long */
const SWEEP_BATCH = 2000

export interface OrgLifetimeDeps {
  state: StateSlice<FintocState>
  ids: IdGenerator
  clock: Clock
  logger: Logger
  /** 0: never by idleness */
  idleTtlMs: number
  /** 0: no cap */
  maxAutoOrgs: number
}

export interface OrgLifetime {
  /** the organization of a key, made on its first use; counts as a use */
  orgFor: OrgFor
}

/** wall time in ms, monotonic: idleness is real time, whatever the sandbox clock says */
const wall = () => performance.now()

export function createOrgLifetime({ state, ids, clock, logger, idleTtlMs, maxAutoOrgs }: OrgLifetimeDeps): OrgLifetime {
  /** auto organization id → wall time of its last use; a Map keeps insertion order, so the least recently used come first */
  const lastUse = new Map<string, number>()
  /** auto organization id → the hash of its key, to free its keyIndex entry */
  const hashes = new Map<string, string>()
  let indexed: Record<string, OrgRecord> | undefined
  /** a sweep every so often is enough: each one walks only the organizations it frees */
  const sweepEveryMs = idleTtlMs > 0 ? Math.max(1, Math.min(1000, Math.floor(idleTtlMs / 2))) : Number.POSITIVE_INFINITY
  let lastSweep = wall()
  let sweeping: Promise<void> | undefined

  /** a replaced state (boot, reset, snapshot restore): its auto organizations all count as used now */
  const sync = () => {
    const orgs = state.data.orgs
    if (orgs === indexed) return
    lastUse.clear()
    hashes.clear()
    const now = wall()
    for (const id in orgs) if (orgs[id]!.auto) lastUse.set(id, now)
    const index = state.data.keyIndex
    for (const hash in index) if (lastUse.has(index[hash]!)) hashes.set(index[hash]!, hash)
    indexed = orgs
  }
  const forgetOrg = (orgId: string) => {
    lastUse.delete(orgId)
    hashes.delete(orgId)
  }
  const used = (orgId: string) => {
    // re-inserted: it moves to the end of the order
    lastUse.delete(orgId)
    lastUse.set(orgId, wall())
  }
  const overCap = () => maxAutoOrgs > 0 && lastUse.size > maxAutoOrgs

  /** frees up to SWEEP_BATCH organizations that are idle past the TTL, or the least recently used past the cap */
  const sweep = async () => {
    const picked = new Map<string, string>()
    let freed: ReturnType<typeof expireOrgs> | undefined
    try {
      freed = await state.update((s, tools) => {
        const now = wall()
        lastSweep = now
        // past the cap, one percent more goes at once, so a flood of new keys does not sweep at every key
        let excess = overCap() ? lastUse.size - (maxAutoOrgs - Math.floor(maxAutoOrgs / 100)) : 0
        for (const [id, at] of lastUse) {
          if (picked.size >= SWEEP_BATCH) break
          const hash = hashes.get(id)
          if (!s.orgs[id]?.auto || hash === undefined) {
            // gone already, or adopted by a scenario loaded since: not ours to free
            forgetOrg(id)
            excess--
            continue
          }
          // whatever the settings, an organization used within IN_USE_MS stays: a request may be under way with it
          if (now - at < IN_USE_MS) break
          const idle = idleTtlMs > 0 && now - at >= idleTtlMs
          // the rest were used more recently
          if (!idle && excess <= 0) break
          picked.set(id, hash)
          excess--
        }
        if (picked.size === 0) return undefined
        const expired = expireOrgs(s, tools, picked)
        for (const id of picked.keys()) forgetOrg(id)
        return expired
      })
    } catch (err) {
      // the update was taken back (a failed disk write): the organizations are still there, and count as used now
      for (const [id, hash] of picked) {
        if (!state.data.orgs[id]?.auto) continue
        hashes.set(id, hash)
        used(id)
      }
      logger.warn({ err }, 'could not free idle organizations made on the fly; they stay for now')
      return
    }
    // a full batch may have left more behind: the next request sweeps again
    if (picked.size >= SWEEP_BATCH) lastSweep = Number.NEGATIVE_INFINITY
    if (freed) logger.info({ freed: freed.orgs, records: freed.records, remaining: lastUse.size }, `freed ${freed.orgs} idle organizations made on the fly`)
  }

  const maybeSweep = (): Promise<void> | undefined => {
    if (sweeping || (wall() - lastSweep < sweepEveryMs && !overCap())) return undefined
    sweeping = sweep().finally(() => {
      sweeping = undefined
    })
    return sweeping
  }

  sync()
  return {
    orgFor(key, hash = hashKey(key)) {
      sync()
      const known = state.data.keyIndex[hash]
      // an entry naming no organization is treated as none: the key gets a new one rather than answers failing
      if (known !== undefined && Object.hasOwn(state.data.orgs, known)) {
        if (lastUse.has(known)) used(known)
        const pending = maybeSweep()
        return pending ? pending.then(() => known) : known
      }
      // the check runs again inside the update: two first requests with one key make one organization
      return state
        .update((s) => {
          const existing = s.keyIndex[hash]
          return existing !== undefined && Object.hasOwn(s.orgs, existing) ? existing : provisionOrg(s, key, ids, clock, { auto: true }).id
        })
        .then(async (orgId) => {
          if (state.data.orgs[orgId]?.auto) {
            hashes.set(orgId, hash)
            used(orgId)
          }
          await maybeSweep()
          return orgId
        })
    },
  }
}
