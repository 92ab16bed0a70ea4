/**
 * Throwaway TLS certificates for tests on loopback, made with the `openssl` CLI (Node has no certificate
 * generator): a self-signed certificate is also its own CA, so a test can either trust it (pass it as `ca`) or
 * prove that an unverifiable certificate is refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM key and certificate. */
export interface CertificatePair {
  key: string;
  cert: string;
}

/** Whether the `openssl` CLI can be run here (tests that need certificates skip without it). */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * A self-signed P-256 certificate for `CN=127.0.0.1`, valid for one day, with the given `subjectAltName`
 * (`IP:127.0.0.1` by default; e.g. `DNS:other.invalid` for a certificate of the wrong name).
 */
export function selfSignedCertificate(subjectAltName = 'IP:127.0.0.1'): CertificatePair {
  const dir = mkdtempSync(join(tmpdir(), 'accelerate-cert-'));
  try {
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        `subjectAltName=${subjectAltName}`,
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
