import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 30_000,
    // s3rver (the third-party S3 server of s3-s3rver.test.ts) makes its continuation tokens with DES, which
    // OpenSSL 3 only offers through the legacy provider. Our own code never uses legacy ciphers.
    execArgv: ['--openssl-legacy-provider'],
  },
});
