// A record looked up by an id from a URL: `__proto__`, `constructor` and the like name no resource.

/** the record stored under `id`, never one inherited from Object.prototype */
export const own = <T>(records: Record<string, T>, id: string | undefined): T | undefined => (id !== undefined && Object.hasOwn(records, id) ? records[id] : undefined)
