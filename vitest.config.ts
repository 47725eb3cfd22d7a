import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the chaos, consumer and container suites have their own scripts (slow, and run once each by .ci/run)
    exclude: ['test/consumer/**', 'test/container/**', 'test/chaos/**'],
    // collects every sandbox's log output and fails the run if a secret appears in full; holds every 2xx body
    // and webhook delivery the sandboxes produce to the specs
    globalSetup: ['test/global-log-scan.ts', 'test/global-spec-check.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
})
