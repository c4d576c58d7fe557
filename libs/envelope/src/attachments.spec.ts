// The claim `att`: attachment descriptors travel signed and sealed with the notice.
import { AttachmentSealer } from '@liaison/attachments';
import { randomBytes } from 'node:crypto';
import { RefusalCode } from './index';
import { decryptInner, encryptTo, headersOf, signAs } from './testing/forge';
import { makeClaims, makeFederation, makeOpener, makeSealer, TestFederation, uuidv7 } from './testing/fixtures';

const T = new Date('2026-06-01T12:00:00Z');
let fed: TestFederation;
beforeAll(async () => {
  fed = await makeFederation(3);
});

function descriptor() {
  const key = randomBytes(32);
  const id = uuidv7(T.getTime());
  const sealer = new AttachmentSealer(key, id);
  sealer.push(Buffer.from('%PDF-1.7\n'));
  const { summary } = sealer.finish();
  return { id, name: 'informe.pdf', type: 'application/pdf', key: key.toString('base64url'), ...summary };
}

describe('attachments in the envelope (claim att)', () => {
  it('every recipient opens the descriptors, content key included, exactly as signed', async () => {
    const att = [descriptor(), descriptor()];
    const claims = { ...makeClaims('AG0', ['AG1', 'AG2'], T), att };
    const sealed = await makeSealer(fed, 0, T).seal(claims);
    for (const i of [1, 2]) {
      const result = await makeOpener(fed, i, T).open(sealed.value, sealed.headersFor(`AG${i}`));
      expect(result).toMatchObject({ ok: true, claims: { att } });
    }
    // Serialised between chseq and body, members in descriptor order.
    const a1 = fed.agencies[1].keyring;
    const inner = await decryptInner(sealed.value, a1.decryptionKey(a1.encryptionKid)!);
    const payload = JSON.parse(Buffer.from(inner.split('.')[1], 'base64url').toString());
    expect(Object.keys(payload).slice(-3)).toEqual(['chseq', 'att', 'body']);
    expect(Object.keys(payload.att[0])).toEqual(['id', 'name', 'type', 'size', 'sha256', 'key', 'chunks', 'chunk_sha256']);
  });

  it('the sealer refuses malformed descriptors, and so does the opener when a sender forges them', async () => {
    const bad = { ...makeClaims('AG0', ['AG1'], T), att: [{ ...descriptor(), chunks: 9 }] };
    await expect(makeSealer(fed, 0, T).seal(bad)).rejects.toThrow(/att\[0\]\.chunks/);
    const signer = fed.agencies[0];
    const value = await encryptTo(await signAs(bad, signer.keys.signing, signer.keyring.signingKid), [fed.agencies[1].keys.encryption]);
    const result = await makeOpener(fed, 1, T).open(value, headersOf(value, bad, 'AG1'));
    expect(result).toMatchObject({ ok: false, code: 'malformed_inner' satisfies RefusalCode, detail: expect.stringContaining('att[0].chunks') });
  });
});
