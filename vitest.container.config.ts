import { defineConfig } from 'vitest/config'

// the container tests run the image built from the Dockerfile with podman (npm run test:container prepares the engine,
// the base and the image first): one file at a time, as containers share the machine's 2 cores and its network
export default defineConfig({
  test: {
    include: ['test/container/**/*.test.ts'],
    globalSetup: ['test/container/global-image.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
})
