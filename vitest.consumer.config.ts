import { defineConfig } from 'vitest/config'

// the consumer test packs the package and installs it (and fintoc, vitest, jest, typescript) in temp projects: slow,
// so it runs on its own (npm run test:consumer)
export default defineConfig({
  test: { include: ['test/consumer/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 900_000 },
})
