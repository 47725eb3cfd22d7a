import type { Request, Response } from 'express'
import { type Journal, type JournalFilter, JournalFilterError } from '../core/journal.js'
import { AdminError } from './errors.js'

// GET /__admin/requests and /__admin/requests/count: the journal, filtered ("was this called?"). Every parameter
// is checked, unknown ones included: a misspelt filter would otherwise count everything and pass an assertion.

const invalid = (issues: string[]) => new AdminError(400, 'invalid query', issues)

/** the query string as a JournalFilter; limit is the one number */
function filterOf(query: Request['query']): JournalFilter {
  const issues: string[] = []
  const filter: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string') issues.push(`${name}: must be given once, as a plain value`)
    // anything else is left for the filter to refuse, by its text
    else if (name === 'limit') filter.limit = /^\d+$/.test(value) ? Number(value) : value
    else filter[name] = value
  }
  if (issues.length > 0) throw invalid(issues)
  return filter as JournalFilter
}

function read<T>(req: Request, use: (filter: JournalFilter) => T): T {
  try {
    return use(filterOf(req.query))
  } catch (err) {
    if (err instanceof JournalFilterError) throw invalid(err.issues)
    throw err
  }
}

/** newest first, request and response masked */
export const listRequests = (journal: Journal) => (req: Request, res: Response) => {
  res.json({ data: read(req, (f) => journal.list(f)) })
}

/** `{"count": n}`, for assertions */
export const countRequests = (journal: Journal) => (req: Request, res: Response) => {
  res.json({ count: read(req, (f) => journal.count(f)) })
}
