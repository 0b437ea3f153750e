import { createPublicKey, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyAnswer } from '../../../../src/providers/huishouqian/protocol/answer.js';
import {
  ErrorAnswerError,
  MalformedAnswerError,
  MalformedNotificationError,
  SignatureMismatchError,
  UnknownMerchantError,
} from '../../../../src/providers/huishouqian/protocol/errors.js';
import { openNotification } from '../../../../src/providers/huishouqian/protocol/notification.js';
import { rsa2Scheme } from '../../../../src/providers/huishouqian/protocol/signer.js';
import { loadPrivateKey } from '../../../helpers/key-loaders.js';
import { HSQ_RESPONSE, HSQ_SIGN_KEY } from '../../../fixtures/huishouqian-vectors.js';
import { TK_PEM } from '../../../fixtures/wechatpay-vectors.js';

const tk = loadPrivateKey(TK_PEM);
const keys = { signKey: HSQ_SIGN_KEY, platformPublicKey: createPublicKey(tk), scheme: rsa2Scheme };
const hexSign = (text: string): string => sign('sha256', Buffer.from(text, 'utf8'), tk).toString('hex');

describe('answer verification (spec 3.1, derived vector of section 5)', () => {
  const answer = (fields: Record<string, unknown>): string =>
    JSON.stringify({ success: true, errorCode: null, errorMsg: null, result: HSQ_RESPONSE.result, sign: HSQ_RESPONSE.signature, ...fields });

  it('returns the verified result text, `success` as a boolean or as text in any case', () => {
    expect(verifyAnswer(answer({}), keys)).toBe(HSQ_RESPONSE.result);
    expect(verifyAnswer(answer({ success: 'True' }), keys)).toBe(HSQ_RESPONSE.result);
  });

  it('reads nothing of an answer whose sign does not verify, error answers included', () => {
    expect(() => verifyAnswer(answer({ result: HSQ_RESPONSE.result.replace('0}', '1}') }), keys)).toThrow(SignatureMismatchError);
    expect(() => verifyAnswer(answer({ sign: null }), keys)).toThrow(SignatureMismatchError);
    expect(() => verifyAnswer(answer({ success: false, errorCode: '130003', errorMsg: '投诉单号不存在', sign: 'ab' }), keys)).toThrow(SignatureMismatchError);
  });

  it('turns a verified success=false into ErrorAnswerError with its code', () => {
    const signed = hexSign(`errorCode=130003&errorMsg=投诉单号不存在&success=false&key=${HSQ_SIGN_KEY}`);
    const error = (() => {
      try {
        return verifyAnswer(JSON.stringify({ success: false, errorCode: '130003', errorMsg: '投诉单号不存在', result: null, sign: signed }), keys);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ErrorAnswerError);
    expect(error).toMatchObject({ errorCode: '130003', errorMsg: '投诉单号不存在' });
  });

  it('calls a body that is not the envelope malformed', () => {
    expect(() => verifyAnswer('<html>', keys)).toThrow(MalformedAnswerError);
    expect(() => verifyAnswer('{"success":1}', keys)).toThrow(MalformedAnswerError);
  });
});

describe('notification verification (spec 2.1)', () => {
  const merchantNo = '814000473149';
  const notificationKeys = {
    signKeyFor: (no: string) => (no === merchantNo ? HSQ_SIGN_KEY : undefined),
    platformPublicKey: keys.platformPublicKey,
    scheme: rsa2Scheme,
  };
  const signContent = '{"actionType":"USER_RESPONSE","complaintId":"200210220211228100360913215"}';
  const fields = { method: 'COMPLAINT_NOTIFY', version: '1.0', format: 'JSON', merchantNo, signType: 'RSA2', signContent };
  const signed = {
    ...fields,
    sign: hexSign(`method=COMPLAINT_NOTIFY&version=1.0&format=JSON&merchantNo=${merchantNo}&signType=RSA2&signContent=${signContent}&key=${HSQ_SIGN_KEY}`),
  };

  it('opens a form body and a JSON body alike', () => {
    const expected = { merchantNo, signContent, content: JSON.parse(signContent) as unknown };
    expect(
      openNotification({ 'content-type': 'application/x-www-form-urlencoded' }, Buffer.from(new URLSearchParams(signed).toString()), notificationKeys),
    ).toEqual(expected);
    expect(openNotification({ 'content-type': 'application/json' }, Buffer.from(JSON.stringify(signed)), notificationKeys)).toEqual(expected);
  });

  it('refuses an unknown merchant, a bad sign, and a body that is no envelope', () => {
    const body = (value: Record<string, string>): Buffer => Buffer.from(new URLSearchParams(value).toString());
    expect(() => openNotification({}, body({ ...signed, merchantNo: '814000999999' }), notificationKeys)).toThrow(UnknownMerchantError);
    expect(() => openNotification({}, body({ ...signed, signContent: signContent.replace('USER', 'SELLER') }), notificationKeys)).toThrow(
      SignatureMismatchError,
    );
    expect(() => openNotification({ 'content-type': 'application/json' }, Buffer.from('{"merchantNo":'), notificationKeys)).toThrow(MalformedNotificationError);
  });
});
