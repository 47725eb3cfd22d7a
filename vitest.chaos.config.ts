import { defineConfig } from 'vitest/config'

// crash and disk tests start and kill real server processes again and again: slow, so they run on their own
export default defineConfig({
  test: { include: ['test/chaos/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 60_000 },
})
