import { describe, expect, it } from 'vitest';
import { GatewayError, NotFoundError } from '../../src/domain/errors.js';
import type { ComplaintProvider } from '../../src/providers/provider.js';

/**
 * What every sandbox's control API (`/sandbox/...`, loopback only) promises the tests and the demo,
 * run against each sandbox, keyv-style. The providers' own field names stay (`mchid` and
 * `complaint_id` for WeChat Pay, `merchantNo` and `complaintId` for Huishouqian); the setup says them.
 */
export interface SandboxControlSetup {
  baseUrl: string;
  /** A provider for a merchant of this sandbox, to see what the control API changed. */
  provider: ComplaintProvider;
  /** The `POST /sandbox/complaints` body filing a complaint against `merchantNo`. */
  complaintBody(merchantNo: string): Record<string, unknown>;
  /** The complaint id in that call's answer. */
  complaintIdOf(answer: Record<string, unknown>): string;
  /** The stats name of the endpoint `provider.getComplaint` calls. */
  detailEndpoint: string;
}

async function control(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> | null }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? null : (JSON.parse(text) as Record<string, unknown>) };
}

export function sandboxControlSuite(name: string, setup: () => SandboxControlSetup): void {
  describe(`${name} sandbox honours the control API contract`, () => {
    const file = async (): Promise<string> => {
      const { baseUrl, provider, complaintBody, complaintIdOf } = setup();
      const answer = await control(baseUrl, 'POST', '/sandbox/complaints', complaintBody(provider.merchant.merchantNo));
      expect(answer.status).toBe(201);
      return complaintIdOf(answer.json ?? {});
    };

    it('files a complaint the provider then serves as pending, and refuses an unknown merchant', async () => {
      const { baseUrl, provider, complaintBody } = setup();
      const id = await file();
      const complaint = await provider.getComplaint(id);
      expect(complaint.key.complaintId).toBe(id);
      expect(complaint.state.value).toBe('PENDING');
      const refused = await control(baseUrl, 'POST', '/sandbox/complaints', complaintBody('1000000999'));
      expect(refused.status).toBe(400);
    });

    it('adds a user message to a complaint’s history, and answers 404 for an unknown complaint', async () => {
      const { baseUrl, provider } = setup();
      const id = await file();
      const before = (await provider.getNegotiationHistory(id, { limit: 50, offset: 0 })).entries.length;
      expect((await control(baseUrl, 'POST', `/sandbox/complaints/${id}/user-messages`, { content: '请问处理进度如何？' })).status).toBe(201);
      const after = await provider.getNegotiationHistory(id, { limit: 50, offset: 0 });
      expect(after.entries).toHaveLength(before + 1);
      expect((await control(baseUrl, 'POST', '/sandbox/complaints/999999999999999999999999998/user-messages', {})).status).toBe(404);
    });

    it('counts the calls that reached each endpoint', async () => {
      const { baseUrl, provider, detailEndpoint } = setup();
      const id = await file();
      const before = (await control(baseUrl, 'GET', '/sandbox/stats')).json ?? {};
      await provider.getComplaint(id);
      const after = (await control(baseUrl, 'GET', '/sandbox/stats')).json ?? {};
      expect(after[detailEndpoint]).toBe(Number(before[detailEndpoint] ?? 0) + 1);
    });

    it('injects faults until reset, and refuses an unknown kind', async () => {
      const { baseUrl, provider, detailEndpoint } = setup();
      const id = await file();
      expect((await control(baseUrl, 'POST', '/sandbox/faults', { kind: 'no-such-fault' })).status).toBe(400);
      // Every call for a minute: also the client's retries.
      expect((await control(baseUrl, 'POST', '/sandbox/faults', { endpoint: detailEndpoint, kind: 'status', status: 500, durationMs: 60_000 })).status).toBe(
        201,
      );
      const failed = await provider.getComplaint(id).catch((error: unknown) => error);
      expect(failed).toBeInstanceOf(GatewayError);
      expect(failed).not.toBeInstanceOf(NotFoundError);
      expect((await control(baseUrl, 'POST', '/sandbox/reset')).status).toBe(204);
      // The reset also removed the filed complaint: the seed's are served again, without faults.
      await expect(provider.getComplaint(id)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('resets to the seed: filed complaints gone, counters back to zero', async () => {
      const { baseUrl, provider } = setup();
      const id = await file();
      await provider.getComplaint(id);
      expect((await control(baseUrl, 'POST', '/sandbox/reset')).status).toBe(204);
      const stats = (await control(baseUrl, 'GET', '/sandbox/stats')).json ?? {};
      expect(Object.keys(stats).length).toBeGreaterThan(0);
      expect(Object.values(stats).every((count) => count === 0)).toBe(true);
      await expect(provider.getComplaint(id)).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}
