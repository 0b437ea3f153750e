import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { merchantGlobalId } from './global-ids.js';
import { startGateway } from './start-gateway.js';
import type { Sandboxes } from './start-sandboxes.js';

/** One notification exactly as the WeChat Pay sandbox delivered it: signed headers and encrypted body. */
export interface RecordedNotification {
  id: string;
  headers: Record<string, string>;
  body: Buffer;
}

function headersOf(incoming: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (name.startsWith('wechatpay-') || name === 'content-type') out[name] = Array.isArray(value) ? value.join(', ') : (value ?? '');
  }
  return out;
}

/**
 * Real notifications to replay at will: a recorder stands where the gateway would (a gateway whose
 * public base URL is the recorder registers its own webhook through the real notification-URL API),
 * users file `count` complaints at the sandbox, and the sandbox's signed, encrypted deliveries are
 * kept once per id (signature probes left out).
 */
export async function recordWechatPayNotifications(sandboxes: Sandboxes, mchid: string, count: number): Promise<RecordedNotification[]> {
  const recorded = new Map<string, RecordedNotification>();
  const recorder = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const signature = request.headers['wechatpay-signature'];
      if (typeof signature === 'string' && !signature.startsWith('WECHATPAY/SIGNTEST/')) {
        const id = (JSON.parse(body.toString('utf8')) as { id: string }).id;
        if (!recorded.has(id)) recorded.set(id, { id, headers: headersOf(request.headers), body });
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  try {
    const publicBaseUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
    const registrar = await startGateway(sandboxes, { config: { server: { publicBaseUrl } } });
    try {
      // No url: the registrar registers its own webhook, which is the recorder.
      const { body } = await registrar.graphql(
        `mutation($input: SetNotificationUrlInput!) { createNotificationUrl(input: $input) { __typename ... on Error { message } } }`,
        { input: { merchantId: merchantGlobalId({ provider: 'WECHAT_PAY', merchantNo: mchid }) } },
      );
      if (JSON.stringify(body.data) !== '{"createNotificationUrl":{"__typename":"CreateNotificationUrlSuccess"}}') {
        throw new Error(`could not register the recorder: ${JSON.stringify(body)}`);
      }
    } finally {
      await registrar.close();
    }
    const file = async (): Promise<void> => {
      const response = await fetch(`${sandboxes.wechatpay.baseUrl}/sandbox/complaints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ mchid }),
      });
      if (!response.ok) throw new Error(`filing a complaint failed with ${response.status}`);
    };
    for (let filed = 0; filed < count; filed += 25) await Promise.all(Array.from({ length: Math.min(25, count - filed) }, file));
    for (let waited = 0; recorded.size < count && waited < 15_000; waited += 25) await new Promise((resolve) => setTimeout(resolve, 25));
    if (recorded.size < count) throw new Error(`only ${recorded.size} of ${count} notifications arrived`);
    return [...recorded.values()];
  } finally {
    recorder.closeAllConnections();
    await new Promise<void>((resolve) => recorder.close(() => resolve()));
  }
}

/** Small deterministic PRNG (mulberry32): a test's shuffles and picks are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
