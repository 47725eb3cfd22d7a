import express from 'express'

// The ceiling: a bare Express app on the same stack as the sandbox (Express 5, node:http), doing the least an
// HTTP JSON API can do: a fixed JSON body for GET (shaped like a one-account list), the parsed JSON body echoed
// for POST. PORT and HOST come from the environment.

const account = {
  id: 'acc_BenchCeilingAccount000000000',
  object: 'account',
  mode: 'test',
  description: 'Root account',
  root_account_number: '735969000000000018',
  root_account_number_id: 'acno_BenchCeilingAccountNumber00',
  is_root: true,
  available_balance: 0,
  currency: 'MXN',
  status: 'active',
  entity: { id: 'ent_BenchCeilingEntity0000000000', holder_name: 'Sandbox Organization', holder_id: 'ND', is_root: true },
}

const app = express()
app.use(express.json({ limit: '1mb' }))
app.get('/health', (_req, res) => {
  res.json({ status: 'ok' })
})
app.use((req, res) => {
  if (req.method === 'GET') res.json([account])
  else res.json(req.body ?? {})
})
app.listen(Number(process.env.PORT ?? 4020), process.env.HOST ?? '127.0.0.1')
