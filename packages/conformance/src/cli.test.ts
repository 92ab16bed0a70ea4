import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, OPENAI_API_KEY: '', OLLAMA_HOST: '', OLLAMA_API_URL: '' },
  });

describe('the CLI (built)', () => {
  it('prints usage and rejects unknown options and backends with exit code 2', () => {
    expect(run('--help')).toMatchObject({
      status: 0,
      stdout: expect.stringContaining('Usage: ipfs-accelerate-conformance'),
    });
    expect(run('--bogus').status).toBe(2);
    expect(run('--only', 'nope')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('Unknown backend: nope'),
    });
  });

  it('runs the selected backends and writes the table as Markdown', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'conf-')), 'table.md');
    const result = run('--only', 'llvm,s3-kit', '--markdown', file);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/LLVM\s+✓/);
    expect(result.stdout).not.toMatch(/OpenAI/);
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toMatch(/^\| Backend \| Queue \|/);
    expect(markdown).toContain('| S3 Kit | ✓ |');
  });

  it('live mode skips unconfigured backends and says why', () => {
    const result = run('--only', 'openai,ollama', '--live', '--json');
    expect(result.status).toBe(0);
    const rows = JSON.parse(result.stdout) as Array<{ backend: string; status: string; reason?: string }>;
    expect(rows).toEqual([
      { backend: 'openai', title: 'OpenAI', status: 'skipped', reason: 'set OPENAI_API_KEY to run it live' },
      {
        backend: 'ollama',
        title: 'Ollama',
        status: 'skipped',
        reason: 'set OLLAMA_HOST or OLLAMA_API_URL to run it live',
      },
    ]);
  });

  it('runs one backend on its emulator and exits 0 when it passes', () => {
    const result = run('--only', 'ollama', '--json');
    expect(result.status).toBe(0);
    const [row] = JSON.parse(result.stdout) as Array<{ failed: number; passed: number }>;
    expect(row?.failed).toBe(0);
    expect(row?.passed).toBeGreaterThan(20);
  });
});
