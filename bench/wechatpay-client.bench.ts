/**
 * WeChat Pay protocol and client cost on this machine.
 *
 * Method: (1) sign: SHA256withRSA-2048 over a realistic request signing string, N times in a loop;
 * (2) verify: the same for answer verification; (3) client: complaint detail calls through the
 * real client (sign → HTTP → sandbox verifies, answers, signs → client verifies, parses) against the
 * WeChat Pay sandbox on 127.0.0.1, at concurrency 1 and 16, 90 calls each (the client's quota of
 * 200 list+detail calls a minute bounds the count).
 * Figures are printed; nothing is asserted (speed targets live here, never in tests).
 */
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { systemClock } from '../src/providers/http/clock.js';
import { createWechatPayAccount } from '../src/providers/wechatpay/account.js';
import { requestSigningMessage, responseSigningMessage } from '../src/providers/wechatpay/protocol/authorization.js';
import { signMessage } from '../src/providers/wechatpay/protocol/signer.js';
import { createVerifier } from '../src/providers/wechatpay/protocol/verifier.js';
import { startWechatPaySandbox } from '../src/sandbox/wechatpay/server.js';
import { addDays, beijingToday } from '../src/domain/local-date.js';
import { wechatPayAccountsFromKeys } from '../test/helpers/wechatpay-account.js';

function perSecond(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en')}/s`;
}

function microBench(): void {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const publicKey = createPublicKey(privateKey);
  const body = JSON.stringify({ complainted_mchid: '1900012181', response_content: '已与用户沟通解决', response_images: ['file23578_21798531.jpg'] });
  const message = requestSigningMessage('POST', '/v3/merchant-service/complaints-v2/200201820200101080076610000/response', 1554208460, 'n'.repeat(32), body);
  const count = 2_000;
  let started = performance.now();
  let signature = '';
  for (let i = 0; i < count; i++) signature = signMessage(message, privateKey);
  const signMs = performance.now() - started;

  const ts = String(Math.floor(Date.now() / 1000));
  const signed = signMessage(responseSigningMessage(ts, 'nonce', body), privateKey);
  const verify = createVerifier({ publicKeys: [{ id: 'PUB_KEY_ID_BENCH', key: publicKey }], certificates: [], clock: systemClock });
  started = performance.now();
  for (let i = 0; i < count * 5; i++) verify({ timestamp: ts, nonce: 'nonce', signature: signed, serial: 'PUB_KEY_ID_BENCH', body });
  const verifyMs = performance.now() - started;
  console.log(`sign   (RSA-2048, SHA-256): ${(signMs / count).toFixed(3)} ms each, ${perSecond(count, signMs)} (${signature.length}-char signature)`);
  console.log(`verify (RSA-2048, SHA-256): ${((verifyMs / count) * 0.2).toFixed(3)} ms each, ${perSecond(count * 5, verifyMs)}`);
}

async function clientBench(): Promise<void> {
  const sandbox = await startWechatPaySandbox({ enforceRateLimits: false, notificationTimeScale: 0.001 });
  try {
    const [options] = wechatPayAccountsFromKeys(sandbox.keys);
    if (!options) throw new Error('no sandbox merchant');
    // This measures the client, not its budget (200/min for list+detail, 28 per 10 s): lifted here.
    const provider = createWechatPayAccount({ ...options, limits: { list: 100_000 } }).providers[0];
    if (!provider) throw new Error('no provider');
    const today = beijingToday(new Date());
    const ids = (await provider.listComplaints({ from: addDays(today, -29), to: today, limit: 50, offset: 0 })).complaints.map((c) => c.key.complaintId);
    if (ids.length === 0) throw new Error('no complaints in the seed window');
    for (const concurrency of [1, 16]) {
      const total = 90;
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < total) {
            const id = ids[next++ % ids.length] as string;
            await provider.getComplaint(id);
          }
        }),
      );
      const ms = performance.now() - started;
      console.log(
        `client getComplaint against the sandbox, concurrency ${concurrency}: ${perSecond(total, ms)} (${(ms / total).toFixed(2)} ms per call, ${total} calls)`,
      );
    }
  } finally {
    await sandbox.close();
  }
}

export async function runWechatPayBench(): Promise<void> {
  console.log('## WeChat Pay protocol and client');
  microBench();
  await clientBench();
}
