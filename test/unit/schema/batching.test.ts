import { describe, expect, it } from 'vitest';
import { complaintGlobalId } from '../../../src/schema/global-id.js';
import { createFakeProvider, makeComplaint, type FakeProvider } from '../../helpers/fake-provider.js';
import { createHarness } from './harness.js';

function seed(): FakeProvider {
  const provider = createFakeProvider({ merchantNo: '1900000001' });
  for (let i = 0; i < 30; i++) {
    provider.add(
      makeComplaint(
        { ...provider.merchant, complaintId: `c${i}` },
        `2026-11-${String(1 + (i % 19)).padStart(2, '0')}T10:${String(i).padStart(2, '0')}:00+08:00`,
      ),
    );
  }
  return provider;
}

describe('dataloader batching and priming', () => {
  it('fetches a complaint asked for 50 times in one operation once', async () => {
    const provider = seed();
    const harness = createHarness([provider]);
    const id = complaintGlobalId({ ...provider.merchant, complaintId: 'c7' });
    const fields = Array.from({ length: 50 }, (_, i) => `a${i}: complaint(id: $id) { complaintId state }`).join('\n');
    const result = await harness.run(`query($id: ID!) { ${fields} }`, { id });
    expect(result.errors).toBeUndefined();
    expect(Object.values(result.data ?? {})).toHaveLength(50);
    expect(provider.calls['getComplaint']).toBe(1);
  });

  it('answers details of listed complaints without another upstream call, and serves repeats from the cache', async () => {
    const provider = seed();
    const harness = createHarness([provider]);
    const listed = await harness.run(`{ complaints(first: 20, filter: { from: "2026-11-01", to: "2026-11-20" }) { edges { node { id } } } }`);
    const ids: string[] = listed.data?.['complaints'].edges.map((edge: { node: { id: string } }) => edge.node.id);
    expect(ids).toHaveLength(20);
    const listCalls = provider.calls['listComplaints'];

    const both = await harness.run(
      `query($one: ID!) {
        complaints(first: 20, filter: { from: "2026-11-01", to: "2026-11-20" }) { edges { node { id detail } } }
        one: complaint(id: $one) { detail }
        nodes: node(id: $one) { ... on Complaint { detail } }
      }`,
      { one: ids[3] },
    );
    expect(both.errors).toBeUndefined();
    expect(provider.calls['getComplaint'] ?? 0).toBe(0);
    // The second request's list came from the shared cache.
    expect(provider.calls['listComplaints']).toBe(listCalls);

    await harness.run(`query($id: ID!) { complaint(id: $id) { detail } }`, { id: ids[5] });
    await harness.run(`query($id: ID!) { complaint(id: $id) { detail } }`, { id: ids[5] });
    expect(provider.calls['getComplaint']).toBe(1);
  });

  it('fetches the detail of a listed complaint only for fields lists leave out', async () => {
    const provider = createFakeProvider({ merchantNo: '1900000001', listOmitsPayerOpenid: true });
    for (let i = 0; i < 3; i++) provider.add(makeComplaint({ ...provider.merchant, complaintId: `c${i}` }, `2026-11-0${i + 1}T10:00:00+08:00`));
    const harness = createHarness([provider]);
    const LIST = (fields: string) => `{ complaints(first: 10, filter: { from: "2026-11-01", to: "2026-11-20" }) { edges { node { ${fields} } } } }`;
    await harness.run(LIST('detail state'));
    expect(provider.calls['getComplaint'] ?? 0).toBe(0);
    const withOpenid = await harness.run(LIST('payerOpenid'));
    expect(withOpenid.data?.['complaints'].edges).toEqual(Array.from({ length: 3 }, () => ({ node: { payerOpenid: 'openid-1' } })));
    expect(provider.calls['getComplaint']).toBe(3);
  });
});
