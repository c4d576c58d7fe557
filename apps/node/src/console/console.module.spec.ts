import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { NodeConfig } from '../config/node-config';
import { consoleConfig, contentSecurityPolicy, findConsoleDir, loadConsoleFiles } from './console.module';

describe('console module', () => {
  const config = { agency: 'NL', consoleDir: undefined } as unknown as NodeConfig;

  it('finds the console files from the source tree and loads every servable file', () => {
    const dir = findConsoleDir();
    const files = loadConsoleFiles(dir);
    expect(files.get('index.html')?.type).toBe('text/html; charset=utf-8');
    expect(files.get('js/main.js')?.type).toBe('text/javascript; charset=utf-8');
    expect(files.get('console.css')?.type).toBe('text/css; charset=utf-8');
    // No inline script or style: the CSP allows only 'self'.
    const html = files.get('index.html')?.body.toString() ?? '';
    expect(html).not.toMatch(/<script(?![^>]*src=)[^>]*>/);
    expect(html).not.toMatch(/style=/);
  });

  it('refuses a configured directory without index.html, and skips unknown file types', () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-'));
    try {
      expect(() => findConsoleDir(dir)).toThrow(/no index.html/);
      writeFileSync(join(dir, 'index.html'), '<!doctype html>');
      mkdirSync(join(dir, 'js'));
      writeFileSync(join(dir, 'js', 'a.js'), '');
      writeFileSync(join(dir, 'secret.env'), 'X=1');
      expect([...loadConsoleFiles(findConsoleDir(dir)).keys()].sort()).toEqual(['index.html', 'js/a.js']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('publishes the OIDC provider of the node configuration, or none for development tokens', () => {
    expect(consoleConfig({ ...config, oidc: null })).toEqual({ agency: 'NL', oidc: null });
    const oidc = { issuer: 'https://idp.example/realms/nl', clientId: 'console' };
    expect(consoleConfig({ ...config, oidc })).toEqual({ agency: 'NL', oidc });
  });

  it('builds a strict CSP that lets the browser reach only the node and the identity provider', () => {
    const without = contentSecurityPolicy({ agency: 'NL', oidc: null });
    expect(without).toContain("default-src 'none'");
    expect(without).toContain("script-src 'self'");
    expect(without).toContain("connect-src 'self';");
    expect(without).toContain("frame-ancestors 'none'");
    expect(without).not.toMatch(/unsafe/);
    const withIdp = contentSecurityPolicy({ agency: 'NL', oidc: { issuer: 'https://idp.example/realms/nl', clientId: 'c' } });
    expect(withIdp).toContain("connect-src 'self' https://idp.example;");
  });
});
