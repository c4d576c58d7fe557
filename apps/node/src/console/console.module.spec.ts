import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { DEFAULT_ATTACHMENT_POLICY, MAX_ATTACHMENTS_PER_NOTICE } from '@liaison/attachments';
import type { NodeConfig } from '../config/node-config';
import { consoleConfig, contentSecurityPolicy, findConsoleDir, loadConsoleFiles } from './console.module';

describe('console module', () => {
  const config = { agency: 'NL', consoleDir: undefined, attachments: DEFAULT_ATTACHMENT_POLICY } as unknown as NodeConfig;
  const extensions = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', heic: 'image/heic', pdf: 'application/pdf', txt: 'text/plain', csv: 'text/csv' };
  const attachments = { types: DEFAULT_ATTACHMENT_POLICY.media.map((r) => r.type), extensions, maxAttachmentBytes: 50 * 1024 * 1024, maxNoticeBytes: 100 * 1024 * 1024, maxAttachments: MAX_ATTACHMENTS_PER_NOTICE };

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
    expect(consoleConfig({ ...config, oidc: null })).toEqual({ agency: 'NL', oidc: null, attachments });
    const oidc = { issuer: 'https://idp.example/realms/nl', clientId: 'console' };
    expect(consoleConfig({ ...config, oidc })).toEqual({ agency: 'NL', oidc, attachments });
  });

  it("publishes the federation's attachment policy, the browser's check before an upload", () => {
    const extra = { ...DEFAULT_ATTACHMENT_POLICY, maxAttachmentBytes: 1000, maxNoticeBytes: 3000, media: [...DEFAULT_ATTACHMENT_POLICY.media, { type: 'application/zip' }] };
    expect(consoleConfig({ ...config, oidc: null, attachments: extra }).attachments).toEqual({
      types: ['image/jpeg', 'image/png', 'image/webp', 'image/heic', 'application/pdf', 'text/plain', 'text/csv', 'application/zip'],
      extensions,
      maxAttachmentBytes: 1000,
      maxNoticeBytes: 3000,
      maxAttachments: MAX_ATTACHMENTS_PER_NOTICE,
    });
  });

  it('builds a strict CSP that lets the browser reach only the node and the identity provider', () => {
    const without = contentSecurityPolicy(consoleConfig({ ...config, oidc: null }));
    expect(without).toContain("default-src 'none'");
    expect(without).toContain("script-src 'self'");
    expect(without).toContain("connect-src 'self';");
    expect(without).toContain("frame-ancestors 'none'");
    expect(without).not.toMatch(/unsafe/);
    // Attachment previews are blob: images the page made from an authenticated fetch; nothing else may load from blob:.
    expect(without).toContain("img-src 'self' data: blob:;");
    expect(without.match(/blob:/g)).toHaveLength(1);
    const withIdp = contentSecurityPolicy(consoleConfig({ ...config, oidc: { issuer: 'https://idp.example/realms/nl', clientId: 'c' } }));
    expect(withIdp).toContain("connect-src 'self' https://idp.example;");
  });
});
