import { phasedRef } from '../../core/scheduler.js'
import type { StateSlice } from '../types.js'
import { JOB_CEP } from './penny.js'
import type { MonatoState } from './state.js'
import { JOB_REFUND, JOB_SETTLE } from './transactions.js'

// The job each unfinished Monato transaction waits on. One found without it (a data file from an older
// version, or a job lost to a crash) gets it back, due now.

export function createMonatoRecovery(state: StateSlice<MonatoState>) {
  return (hasJob: (type: string, id: string) => boolean): Promise<number> =>
    state.update((s, tools) => {
      let count = 0
      const need = (type: string, id: string, ref = id) => {
        if (hasJob(type, id)) return
        tools.schedule(type, ref, 0)
        count++
      }
      for (const t of Object.values(s.transactions)) {
        // book-to-book debits liquidate at once: only SPEI ones wait for a settlement
        if (t.category === 'DEBIT_TRANS' && t.status === 'INITIALIZED' && t.subCategory !== 'INT_DEBIT') need(JOB_SETTLE, t.id)
        else if (t.status === 'LIQUIDATED' && t.plan?.outcome === 'REFUNDED' && t.sourceAccountId) need(JOB_REFUND, t.id)
        if (t.cep && (t.cep.status === 'PENDING' || t.cep.status === 'DELAYED')) need(JOB_CEP, t.id, phasedRef(t.id, t.cep.status))
      }
      return count
    })
}
