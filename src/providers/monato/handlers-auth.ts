import type { Clock } from '../../core/clock.js'
import { ApiError } from '../../core/errors.js'
import type { IdGenerator } from '../../core/ids.js'
import type { Handler } from '../types.js'
import { issueToken, type MonatoPrincipal } from './auth.js'
import { monatoLocalTimestamp, monatoTimestamp } from './format.js'
import type { MonatoState } from './state.js'

// Credentials and tokens: these two answer snake_case, unlike the rest of the API.

export function createAuthHandlers(state: { readonly data: MonatoState }, clock: Clock, ids: IdGenerator): Record<string, Handler<MonatoPrincipal>> {
  return {
    getClientCredentials: (ctx) => {
      const client = state.data.clients[ctx.principal.clientId]!
      return {
        body: {
          data: client.credentials.map((c) => ({
            id: c.id,
            client_id: client.id,
            client_secret: c.secret,
            environment: 'staging',
            status: c.status,
            created_at: monatoTimestamp(c.createdAt),
            updated_at: monatoTimestamp(c.updatedAt),
            deleted_at: null,
          })),
        },
      }
    },
    createCredentialToken: async (ctx) => {
      const body = ctx.body as { client_id: string; client_secret: string }
      const client = state.data.clients[ctx.principal.clientId]!
      if (body.client_id !== client.id) throw new ApiError('forbidden', 'client_id does not match the client of the API key.')
      const credential = client.credentials.find((c) => c.status === 'ACTIVE' && c.secret === body.client_secret)
      if (!credential) throw new ApiError('unauthenticated', 'Invalid client credentials.')
      const now = clock.now()
      const { token, expiresAt } = await issueToken(client, credential.secret, now)
      return {
        body: {
          id: ids.uuid(),
          client_id: client.id,
          client_credential_id: credential.id,
          token,
          status: 'ACTIVE',
          expires_at: monatoLocalTimestamp(expiresAt),
          created_at: monatoTimestamp(now),
          updated_at: monatoTimestamp(now),
          deleted_at: null,
        },
      }
    },
  }
}
