import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { requestSignString, responseSignString } from '../../../../src/providers/huishouqian/protocol/envelope.js';
import { rsa2Scheme } from '../../../../src/providers/huishouqian/protocol/signer.js';
import { loadPrivateKey } from '../../../helpers/key-loaders.js';
import { HSQ_REQUEST, HSQ_RESPONSE, HSQ_SIGN_KEY } from '../../../fixtures/huishouqian-vectors.js';
import { TK_PEM } from '../../../fixtures/wechatpay-vectors.js';

const tk = loadPrivateKey(TK_PEM);

describe('Huishouqian RSA2 signing (spec 3.1, derived vectors of section 5)', () => {
  it('builds the request string in the fixed field order and matches the derived signature', () => {
    const text = requestSignString(HSQ_REQUEST.envelope, HSQ_SIGN_KEY);
    expect(text).toBe(
      `method=COMPLAINT_QUERY&version=1.0&format=JSON&merchantNo=814000473149&signType=RSA2&signContent=${HSQ_REQUEST.envelope.signContent}&key=${HSQ_SIGN_KEY}`,
    );
    expect(rsa2Scheme.sign(text, tk)).toBe(HSQ_REQUEST.signature);
  });

  it('verifies the derived answer signature and rejects a changed result', () => {
    const publicKey = createPublicKey(tk);
    expect(rsa2Scheme.verify(responseSignString({ success: true, result: HSQ_RESPONSE.result }, HSQ_SIGN_KEY), HSQ_RESPONSE.signature, publicKey)).toBe(true);
    expect(
      rsa2Scheme.verify(
        responseSignString({ success: true, result: HSQ_RESPONSE.result.replace('0}', '1}') }, HSQ_SIGN_KEY),
        HSQ_RESPONSE.signature,
        publicKey,
      ),
    ).toBe(false);
    expect(rsa2Scheme.verify('x', 'not-hex', publicKey)).toBe(false);
  });

  it('skips empty values and signs failures over errorCode, errorMsg and success', () => {
    expect(responseSignString({ success: false, errorCode: '130003', errorMsg: '' }, 'k')).toBe('errorCode=130003&success=false&key=k');
  });

  it('works with 1024-bit merchant keys', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const signature = rsa2Scheme.sign('a=b&key=c', privateKey);
    expect(signature).toHaveLength(256);
    expect(rsa2Scheme.verify('a=b&key=c', signature, publicKey)).toBe(true);
  });
});
