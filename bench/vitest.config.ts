import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The smoke run starts a child process and sends a few thousand requests: seconds, but give room on a
    // busy 2-core machine. Nothing here waits on a timer.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
