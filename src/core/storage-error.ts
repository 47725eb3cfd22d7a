import { ApiError } from './errors.js'

// A change the data file could not take (a full or read-only disk). The change was rolled back in memory,
// so the client's 503 is true: nothing happened, and a retry may succeed once the disk recovers.

/** the errno codes that mean "the disk refused", as opposed to a bug */
const DISK_CODES = new Set(['ENOSPC', 'EDQUOT', 'EROFS', 'EACCES', 'EPERM', 'EIO', 'EFBIG', 'EMFILE', 'ENFILE'])

export class StorageError extends ApiError {
  /** the errno code of the failed write, e.g. `ENOSPC` */
  readonly code: string

  constructor(cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? 'EIO'
    super('storage_unavailable', `The sandbox could not save this change (${code}: ${describe(code)}); nothing was applied. Retry once the data file's disk has room.`, { headers: { 'Retry-After': '1' } }, { cause })
    this.name = 'StorageError'
    this.code = code
  }
}

const describe = (code: string) =>
  code === 'ENOSPC' || code === 'EDQUOT' ? 'no space left on the disk' : code === 'EROFS' ? 'the disk is read-only' : code === 'EACCES' || code === 'EPERM' ? 'no permission to write' : 'the disk refused the write'

export const isStorageError = (err: unknown): err is StorageError => err instanceof StorageError

/** a write failure as a StorageError when it is the disk's doing; anything else stays what it was */
export function asStorageError(err: unknown): unknown {
  if (isStorageError(err)) return err
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' && DISK_CODES.has(code) ? new StorageError(err) : err
}
