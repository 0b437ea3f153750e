/**
 * The hand-written peer for bench/gateway.bench.ts (issue 14): what a merchant writes without the
 * gateway. node:http and wechatpay-axios-plugin, configured as the plugin's README says (it signs
 * every request and verifies every answer's signature, throwing on a bad or missing one), against
 * the same WeChat Pay sandbox the gateway calls. Nothing is decrypted: neither route needs
 * `payer_phone`.
 *   GET /complaint?id=...  one getComplaint call, its fields as JSON.
 *   GET /page              the newest 50 complaints over the configured dates (one list call per
 *                          calling merchant, merged), the fields a console list shows; the
 *                          serialised body is kept for 10 s (a naive cache).
 * Its settings come as a JSON file named by PEER_CONFIG (see PeerConfig), written by the bench.
 */
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Wechatpay } from 'wechatpay-axios-plugin';

/** A calling merchant: a direct merchant, or a service provider answering for its sub-merchants. */
export interface PeerAccount {
  mchid: string;
  /** Serial of the merchant's API certificate, and its private key (PEM). */
  serial: string;
  privateKeyPem: string;
}

export interface PeerConfig {
  /** The sandbox's base URL. */
  baseUrl: string;
  /** The plugin's `{ serial or PUB_KEY_ID_...: PEM }` table of platform keys. */
  certs: Record<string, string>;
  /** Every calling merchant; `/complaint` reads the first one's complaints. */
  accounts: PeerAccount[];
  /** Complained-about merchant id → name, as the console list shows it. */
  merchantNames: Record<string, string>;
  /** The page's dates (Beijing days, YYYY-MM-DD). */
  beginDate: string;
  endDate: string;
}

const PAGE_TTL_MS = 10_000;

/** The part of the plugin's chained client used here (its chain is built from property names). */
interface Endpoint {
  get(config?: Record<string, unknown>): Promise<{ data: unknown }>;
}

interface WireComplaint {
  complaint_id: string;
  complaint_time: string;
  complaint_detail: string;
  complaint_state: string;
  /** A service provider's answers name the sub-merchant; a direct merchant's answers do not. */
  complainted_mchid?: string | undefined;
  problem_type?: string;
  user_complaint_times?: number;
  incoming_user_response?: boolean;
  apply_refund_amount?: number;
  complaint_order_info?: { out_trade_no: string; amount: number }[];
}

const configPath = process.env['PEER_CONFIG'];
if (configPath === undefined) throw new Error('PEER_CONFIG names no settings file');
const config = JSON.parse(readFileSync(configPath, 'utf8')) as PeerConfig;
const endpoints = config.accounts.map((account) => {
  const wxpay = new Wechatpay({
    mchid: account.mchid,
    serial: account.serial,
    privateKey: account.privateKeyPem,
    certs: config.certs,
    baseURL: `${config.baseUrl}/`,
  });
  return (wxpay as unknown as { v3: { merchantService: { complaintsV2: Endpoint & { _complaint_id_: Endpoint } } } }).v3.merchantService.complaintsV2;
});
const [first] = endpoints;
if (first === undefined) throw new Error('PEER_CONFIG names no account');

function view(complaint: WireComplaint): Record<string, unknown> {
  return {
    id: complaint.complaint_id,
    state: complaint.complaint_state,
    complainedAt: complaint.complaint_time,
    detail: complaint.complaint_detail,
    problemType: complaint.problem_type ?? null,
    userComplaintTimes: complaint.user_complaint_times ?? null,
    incomingUserResponse: complaint.incoming_user_response ?? null,
    applyRefundAmount: complaint.apply_refund_amount ?? null,
    orders: (complaint.complaint_order_info ?? []).map((order) => ({ outTradeNo: order.out_trade_no, amount: order.amount })),
    merchant: { name: config.merchantNames[complaint.complainted_mchid ?? ''] ?? null },
  };
}

let page: { body: string; expires: number } | undefined;

async function pageBody(): Promise<string> {
  if (page !== undefined && page.expires > Date.now()) return page.body;
  // Each calling merchant's newest 50, merged newest first: the console's first page.
  const lists = await Promise.all(
    endpoints.map((complaints) => complaints.get({ params: { limit: 50, offset: 0, begin_date: config.beginDate, end_date: config.endDate } })),
  );
  const newest = lists
    .flatMap((answer, index) =>
      (answer.data as { data: WireComplaint[] }).data.map((complaint) => ({
        ...complaint,
        complainted_mchid: complaint.complainted_mchid ?? config.accounts[index]?.mchid,
      })),
    )
    .sort((a, b) => Date.parse(b.complaint_time) - Date.parse(a.complaint_time))
    .slice(0, 50);
  const body = JSON.stringify({ complaints: newest.map(view) });
  page = { body, expires: Date.now() + PAGE_TTL_MS };
  return body;
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://peer');
  const answer = async (): Promise<string | undefined> => {
    if (request.method !== 'GET') return undefined;
    if (url.pathname === '/page') return pageBody();
    const id = url.searchParams.get('id');
    if (url.pathname !== '/complaint' || id === null) return undefined;
    const detail = await first._complaint_id_.get({ complaint_id: id });
    const complaint = detail.data as WireComplaint;
    return JSON.stringify(view({ ...complaint, complainted_mchid: complaint.complainted_mchid ?? config.accounts[0]?.mchid }));
  };
  answer().then(
    (body) => (body === undefined ? send(response, 404, '{"error":"not found"}') : send(response, 200, body)),
    // A failed or unverifiable upstream answer: the plugin threw.
    () => send(response, 502, '{"error":"upstream"}'),
  );
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
