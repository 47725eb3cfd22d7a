import { defineConfig } from 'vitest/config'

// the smoke test installs, builds and starts a copy of the repo: slow, so it runs on its own
export default defineConfig({
  test: { include: ['test/smoke/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 300_000 },
})
