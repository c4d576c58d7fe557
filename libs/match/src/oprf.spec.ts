import { DLEQProof, Evaluation, Oprf, VOPRFClient, VOPRFServer, type CryptoProvider } from '@cloudflare/voprf-ts';
import { expandMessageXmd } from './sodium-group';
import { MATCH_SUITE, MatchInputError, OprfHolder, OprfRequester, blindStateBytes, blindStateFrom, deriveOprfKey, generateOprfKey, readElements, type ScalarSource } from './oprf';

// The reference provider (pure JavaScript, @noble/curves); a subpath export, which moduleResolution "node" cannot type.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { CryptoNoble } = require('@cloudflare/voprf-ts/crypto-noble') as { CryptoNoble: CryptoProvider };

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'hex'));
const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fixed = (list: string[]): ScalarSource => {
  const queue = list.map(hex);
  return {
    next: () => {
      const next = queue.shift();
      if (!next) throw new Error('no more fixed scalars');
      return next;
    },
  };
};

// RFC 9497 Appendix A.1.2: ristretto255-SHA512, mode VOPRF (0x01).
const RFC = {
  seed: 'a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3',
  keyInfo: '74657374206b6579',
  skSm: 'e6f73f344b79b379f1a0dd37e07ff62e38d9f71345ce62ae3a9bc60b04ccd909',
  pkSm: 'c803e2cc6b05fc15064549b5920659ca4a77b2cca6f04f6b357009335476ad4e',
  vectors: [
    {
      name: 'A.1.2.1 (Test Vector 1, Batch Size 1)',
      input: ['00'],
      blind: ['64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706'],
      blinded: ['863f330cc1a1259ed5a5998a23acfd37fb4351a793a5b3c090b642ddc439b945'],
      evaluated: ['aa8fa048764d5623868679402ff6108d2521884fa138cd7f9c7669a9a014267e'],
      proof: 'ddef93772692e535d1a53903db24367355cc2cc78de93b3be5a8ffcc6985dd066d4346421d17bf5117a2a1ff0fcb2a759f58a539dfbe857a40bce4cf49ec600d',
      r: '222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e',
      output: ['b58cfbe118e0cb94d79b5fd6a6dafb98764dff49c14e1770b566e42402da1a7da4d8527693914139caee5bd03903af43a491351d23b430948dd50cde10d32b3c'],
    },
    {
      name: 'A.1.2.2 (Test Vector 2, Batch Size 1)',
      input: ['5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a'],
      blind: ['64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706'],
      blinded: ['cc0b2a350101881d8a4cba4c80241d74fb7dcbfde4a61fde2f91443c2bf9ef0c'],
      evaluated: ['60a59a57208d48aca71e9e850d22674b611f752bed48b36f7a91b372bd7ad468'],
      proof: '401a0da6264f8cf45bb2f5264bc31e109155600babb3cd4e5af7d181a2c9dc0a67154fabf031fd936051dec80b0b6ae29c9503493dde7393b722eafdf5a50b02',
      r: '222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e',
      output: ['8a9a2f3c7f085b65933594309041fc1898d42d0858e59f90814ae90571a6df60356f4610bf816f27afdd84f47719e480906d27ecd994985890e5f539e7ea74b6'],
    },
    {
      name: 'A.1.2.3 (Test Vector 3, Batch Size 2)',
      input: ['00', '5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a'],
      blind: ['64d37aed22a27f5191de1c1d69fadb899d8862b58eb4220029e036ec4c1f6706', '222a5e897cf59db8145db8d16e597e8facb80ae7d4e26d9881aa6f61d645fc0e'],
      blinded: ['863f330cc1a1259ed5a5998a23acfd37fb4351a793a5b3c090b642ddc439b945', '90a0145ea9da29254c3a56be4fe185465ebb3bf2a1801f7124bbbadac751e654'],
      evaluated: ['aa8fa048764d5623868679402ff6108d2521884fa138cd7f9c7669a9a014267e', 'cc5ac221950a49ceaa73c8db41b82c20372a4c8d63e5dded2db920b7eee36a2a'],
      proof: 'cc203910175d786927eeb44ea847328047892ddf8590e723c37205cb74600b0a5ab5337c8eb4ceae0494c2cf89529dcf94572ed267473d567aeed6ab873dee08',
      r: '419c4f4f5052c53c45f3da494d2b67b220d02118e0857cdbcf037f9ea84bbe0c',
      output: [
        'b58cfbe118e0cb94d79b5fd6a6dafb98764dff49c14e1770b566e42402da1a7da4d8527693914139caee5bd03903af43a491351d23b430948dd50cde10d32b3c',
        '8a9a2f3c7f085b65933594309041fc1898d42d0858e59f90814ae90571a6df60356f4610bf816f27afdd84f47719e480906d27ecd994985890e5f539e7ea74b6',
      ],
    },
  ],
};

describe('RFC 9497 VOPRF ristretto255-SHA512 on libsodium', () => {
  it('derives the vectors key pair (DeriveKeyPair)', async () => {
    const key = await deriveOprfKey(hex(RFC.seed), hex(RFC.keyInfo));
    expect(toHex(key.privateKey)).toBe(RFC.skSm);
    expect(toHex(key.publicKey)).toBe(RFC.pkSm);
  });

  it.each(RFC.vectors)('$name: blinded, evaluated, proof and output byte for byte', async (v) => {
    const holder = await OprfHolder.create(hex(RFC.skSm), fixed([v.r]));
    const requester = await OprfRequester.create(hex(RFC.pkSm), fixed(v.blind));
    const { state, blinded } = await requester.blind(v.input.map(hex));
    expect(blinded.map(toHex)).toEqual(v.blinded);
    const answer = await holder.blindEvaluate(await readElements(blinded, 16));
    expect(answer.evaluated.map(toHex)).toEqual(v.evaluated);
    expect(toHex(answer.proof)).toBe(v.proof);
    const outputs = await requester.finalize(state, answer.evaluated, answer.proof);
    expect(outputs.map(toHex)).toEqual(v.output);
    // The holder's direct evaluation of its own value equals the requester's unblinded output.
    expect(toHex(await holder.evaluate(hex(v.input[0])))).toBe(v.output[0]);
  });

  it('agrees with the voprf-ts reference provider (noble) on random keys and inputs', async () => {
    const key = await generateOprfKey();
    const input = new TextEncoder().encode('document:ES:X1234567');
    const holder = await OprfHolder.create(key.privateKey);
    const reference = new VOPRFServer(MATCH_SUITE, key.privateKey, CryptoNoble);
    expect(toHex(await holder.evaluate(input))).toBe(toHex(await reference.evaluate(input)));
    // Requester on noble, holder on libsodium: the proof verifies across providers, same output.
    const client = new VOPRFClient(MATCH_SUITE, key.publicKey, CryptoNoble);
    const [fin, req] = await client.blind([input]);
    const answer = await holder.blindEvaluate(req.blinded.map((e) => e.serialize()));
    const g = Oprf.getGroup(MATCH_SUITE, CryptoNoble);
    const evaluation = new Evaluation(Oprf.Mode.VOPRF, answer.evaluated.map((e) => g.desElt(e)), DLEQProof.deserialize('ristretto255', answer.proof, CryptoNoble));
    const [output] = await client.finalize(fin, evaluation);
    expect(toHex(output)).toBe(toHex(await holder.evaluate(input)));
  });
});

describe('hostile elements are refused before any group operation', () => {
  const code = async (elements: Uint8Array[], max = 8): Promise<string> => {
    try {
      await readElements(elements, max);
      return 'accepted';
    } catch (error) {
      return error instanceof MatchInputError ? error.code : String(error);
    }
  };

  it('refuses the identity element', async () => {
    expect(await code([new Uint8Array(32)])).toBe('identity_element');
  });

  it('refuses encodings that are no point of the group (not on the curve, non-canonical, negative)', async () => {
    const notOnCurve = hex('0100000000000000000000000000000000000000000000000000000000000000'); // odd: not canonical
    const fieldOverflow = hex('edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'); // p itself
    const noSquareRoot = hex('0200000000000000000000000000000000000000000000000000000000000000'); // s = 2 decodes to no point
    for (const bad of [notOnCurve, fieldOverflow, noSquareRoot]) expect(await code([bad])).toBe('malformed_element');
  });

  it('refuses wrong lengths, empty and oversized batches', async () => {
    expect(await code([new Uint8Array(31).fill(2)])).toBe('malformed_element');
    expect(await code([new Uint8Array(33).fill(2)])).toBe('malformed_element');
    expect(await code([])).toBe('no_elements');
    const key = await generateOprfKey();
    const requester = await OprfRequester.create(key.publicKey);
    const { blinded } = await requester.blind([Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3)]);
    expect(await code(blinded, 2)).toBe('too_many_elements');
    expect(await code(blinded, 3)).toBe('accepted');
  });

  it('a blind state kept as bytes (a restart, another replica) finalises to the same outputs', async () => {
    const key = await generateOprfKey();
    const inputs = [Uint8Array.of(1, 2, 3), new TextEncoder().encode('phone:+34600000001')];
    const { state, blinded } = await (await OprfRequester.create(key.publicKey)).blind(inputs);
    const holder = await OprfHolder.create(key.privateKey);
    const answer = await holder.blindEvaluate(blinded);
    const restored = await blindStateFrom(blindStateBytes(state));
    const later = await OprfRequester.create(key.publicKey); // a new requester object, as after a restart
    const outputs = await later.finalize(restored, answer.evaluated, answer.proof);
    expect(outputs.map(toHex)).toEqual(await Promise.all(inputs.map(async (i) => toHex(await holder.evaluate(i)))));
  });

  it('a requester refuses an answer under another key, a forged proof and a wrong count', async () => {
    const key = await generateOprfKey();
    const other = await generateOprfKey();
    const requester = await OprfRequester.create(key.publicKey);
    const { state, blinded } = await requester.blind([Uint8Array.of(7)]);
    const impostor = await OprfHolder.create(other.privateKey);
    const wrong = await impostor.blindEvaluate(blinded);
    await expect(requester.finalize(state, wrong.evaluated, wrong.proof)).rejects.toMatchObject({ code: 'proof_failed' });
    const honest = await (await OprfHolder.create(key.privateKey)).blindEvaluate(blinded);
    await expect(requester.finalize(state, honest.evaluated, wrong.proof)).rejects.toMatchObject({ code: 'proof_failed' });
    await expect(requester.finalize(state, [], honest.proof)).rejects.toMatchObject({ code: 'count_mismatch' });
    await expect(requester.finalize(state, honest.evaluated, new Uint8Array(64).fill(0xff))).rejects.toMatchObject({ code: 'malformed_proof' });
    await expect(requester.finalize(state, [new Uint8Array(32)], honest.proof)).rejects.toMatchObject({ code: 'identity_element' });
    expect((await requester.finalize(state, honest.evaluated, honest.proof))[0]).toHaveLength(64);
  });

  it('the holder refuses hostile elements even when handed them directly', async () => {
    const holder = await OprfHolder.create((await generateOprfKey()).privateKey);
    await expect(holder.blindEvaluate([new Uint8Array(32)])).rejects.toMatchObject({ code: 'identity_element' });
    await expect(holder.blindEvaluate([new Uint8Array(32).fill(0xff)])).rejects.toMatchObject({ code: 'malformed_element' });
    await expect(holder.blindEvaluate([])).rejects.toMatchObject({ code: 'no_elements' });
  });

  it('a holder key must be a non-zero canonical scalar', async () => {
    await expect(OprfHolder.create(new Uint8Array(32))).rejects.toMatchObject({ code: 'malformed_key' });
    await expect(OprfHolder.create(new Uint8Array(32).fill(0xff))).rejects.toMatchObject({ code: 'malformed_key' });
    await expect(OprfRequester.create(new Uint8Array(32))).rejects.toMatchObject({ code: 'malformed_key' });
  });
});

describe('expand_message_xmd (SHA-512) on Node’s hash', () => {
  const dst = new TextEncoder().encode('QUUX-V01-CS02-with-expander-SHA512-256');
  it.each([
    ['', '6b9a7312411d92f921c6f68ca0b6380730a1a4d982c507211a90964c394179ba'],
    ['abc', '0da749f12fbe5483eb066a5f595055679b976e93abe9be6f0f6318bce7aca8dc'],
  ])('RFC 9380 Appendix K.3, msg %j, 32 bytes', (msg, expected) => {
    expect(toHex(expandMessageXmd(new TextEncoder().encode(msg), dst, 0x20))).toBe(expected);
  });

  it('agrees with @noble/curves for several blocks and an oversize DST', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const noble = require('@noble/curves/abstract/hash-to-curve') as { expand_message_xmd: (m: Uint8Array, d: Uint8Array, l: number, h: unknown) => Uint8Array };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { sha512 } = require('@noble/hashes/sha512') as { sha512: unknown };
    const long = new Uint8Array(300).fill(0x41);
    for (const [d, len] of [[dst, 200], [long, 64]] as const) {
      const msg = new TextEncoder().encode('q128_' + 'q'.repeat(128));
      expect(toHex(expandMessageXmd(msg, d, len))).toBe(toHex(noble.expand_message_xmd(msg, d, len, sha512)));
    }
  });
});
