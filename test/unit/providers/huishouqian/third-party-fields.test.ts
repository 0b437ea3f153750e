import { describe, expect, it } from 'vitest';
import type { Merchant } from '../../../../src/domain/merchant.js';
import { createProcessPiiCipher } from '../../../../src/crypto/pii-cipher.js';
import { createHuishouqianAdapter, type HuishouqianThirdPartyFields } from '../../../../src/providers/huishouqian/adapter.js';
import type { HuishouqianClient } from '../../../../src/providers/huishouqian/client.js';
import { huishouqianAccountInput } from '../../../../src/providers/huishouqian/config.js';

/* The inferred request fields (spec 2) reach the wire only when the account switches them on. */

const MERCHANT: Merchant = {
  provider: 'HUISHOUQIAN',
  merchantNo: '814000473149',
  name: 'test',
  accountNo: '814000473149',
  capabilities: ['REPLY', 'COMPLETE'],
};

/** A client that records the business objects the adapter hands it. */
function recordingAdapter(thirdPartyFields?: HuishouqianThirdPartyFields) {
  const sent: { endpoint: string; business: unknown }[] = [];
  const client = {
    merchantNo: MERCHANT.merchantNo,
    async commitResponse(business: unknown) {
      sent.push({ endpoint: 'commitResponse', business });
    },
    async commitComplete(business: unknown) {
      sent.push({ endpoint: 'commitComplete', business });
    },
  } as unknown as HuishouqianClient;
  const adapter = createHuishouqianAdapter({
    client,
    merchant: MERCHANT,
    agentMerchantNo: null,
    pii: createProcessPiiCipher(),
    ...(thirdPartyFields === undefined ? {} : { thirdPartyFields }),
  });
  return { adapter, sent };
}

const REPLY = { text: '您好', imageMediaIds: ['7'], jumpUrl: null, miniProgram: null };

describe('Huishouqian third-party request fields', () => {
  it('sends none by default: the documented-or-known minimum', async () => {
    const { adapter, sent } = recordingAdapter();
    await adapter.reply('2002', REPLY);
    await adapter.complete('2002');
    expect(sent).toEqual([
      { endpoint: 'commitResponse', business: { complaintId: '2002', responseContent: '您好', responseImages: ['7'] } },
      { endpoint: 'commitComplete', business: { complaintId: '2002' } },
    ]);
  });

  it('sends actType on a reply and responseContent with empty responseImages on a completion when switched on', async () => {
    const { adapter, sent } = recordingAdapter({ replyActType: 0, completeResponseContent: '已处理完毕' });
    await adapter.reply('2002', REPLY);
    await adapter.complete('2002');
    expect(sent).toEqual([
      { endpoint: 'commitResponse', business: { complaintId: '2002', responseContent: '您好', responseImages: ['7'], actType: 0 } },
      { endpoint: 'commitComplete', business: { complaintId: '2002', responseContent: '已处理完毕', responseImages: [] } },
    ]);
  });

  it('config: absent by default, strict keys, an int actType and a 1–200 character completion text', () => {
    const base = {
      baseUrl: 'https://test-api.huishouqian.com',
      platformPublicKey: { file: 'platform.pem' },
      merchants: [{ merchantNo: '814000473149', name: 'm', privateKey: { file: 'm.pem' }, signKey: { env: 'HSQ_KEY' } }],
    };
    const parse = (thirdPartyFields?: unknown) =>
      huishouqianAccountInput.safeParse({ ...base, ...(thirdPartyFields === undefined ? {} : { thirdPartyFields }) });
    const plain = parse();
    expect(plain.success).toBe(true);
    expect(plain.data?.thirdPartyFields).toBeUndefined();
    expect(parse({ replyActType: 1, completeResponseContent: '已处理' }).data?.thirdPartyFields).toEqual({
      replyActType: 1,
      completeResponseContent: '已处理',
    });
    expect(parse({ replyActType: 1.5 }).success).toBe(false);
    expect(parse({ completeResponseContent: ' ' }).success).toBe(false);
    expect(parse({ completeResponseContent: 'x'.repeat(201) }).success).toBe(false);
    expect(parse({ actType: 1 }).success).toBe(false);
  });
});
