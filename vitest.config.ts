import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // the chaos, consumer and container suites have their own scripts (slow, and run once each by .ci/run)
    exclude: ['test/consumer/**', 'test/container/**', 'test/chaos/**'],
    // collects every sandbox's log output and fails the run if a secret appears in full; holds every 2xx body
    // and webhook delivery the sandboxes produce to the specs
    globalSetup: ['test/global-log-scan.ts', 'test/global-spec-check.ts'],
    // most files wait on servers, child processes and timers more than they compute: three at once on a 2-core CI
    // machine took 330 s where one at a time took about 400 s for fewer files (the run-wide checks still hold)
    maxWorkers: 3,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
})
