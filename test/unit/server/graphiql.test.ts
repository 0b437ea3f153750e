import { describe, expect, it } from 'vitest';
import { createGraphiQLOptions, exampleIdsFrom, fillExampleIds } from '../../../src/server/graphiql.js';

describe('example ids', () => {
  it('picks the newest complaint of the merchant that supports the most actions', () => {
    const data = {
      complaints: {
        edges: [
          { node: { id: 'c-hsq', merchant: { id: 'm-hsq', capabilities: ['REPLY'] } } },
          { node: { id: 'c-wx-newest', merchant: { id: 'm-wx', capabilities: ['REPLY', 'COMPLETE', 'IMMEDIATE_REPLY'] } } },
          { node: { id: 'c-wx-older', merchant: { id: 'm-wx', capabilities: ['REPLY', 'COMPLETE', 'IMMEDIATE_REPLY'] } } },
        ],
      },
    };
    expect(exampleIdsFrom(data)).toEqual({ complaintId: 'c-wx-newest', merchantId: 'm-wx' });
    expect(exampleIdsFrom(null)).toEqual({ complaintId: null, merchantId: null });
    expect(exampleIdsFrom({ complaints: { edges: [] } })).toEqual({ complaintId: null, merchantId: null });
  });

  it('replaces the placeholders of the variables, anywhere in them, and nothing else', () => {
    const tabs = [
      { query: 'query A { merchants { id } }' },
      { query: 'query B', variables: '{"id": "paste a Complaint id from RecentComplaints"}' },
      {
        query: 'query C',
        variables: '{"input": {"merchantId": "paste a Merchant id from Merchants", "note": "paste nothing", "list": ["paste a Complaint id"]}}',
      },
    ];
    const filled = fillExampleIds(tabs, { complaintId: 'C1', merchantId: 'M1' });
    expect(filled[0]).toEqual(tabs[0]);
    expect(JSON.parse(filled[1]?.variables ?? '')).toEqual({ id: 'C1' });
    expect(JSON.parse(filled[2]?.variables ?? '')).toEqual({ input: { merchantId: 'M1', note: 'paste nothing', list: ['C1'] } });
    // Without an id the placeholder stays.
    expect(JSON.parse(fillExampleIds(tabs, { complaintId: null, merchantId: 'M1' })[1]?.variables ?? '')).toEqual({
      id: 'paste a Complaint id from RecentComplaints',
    });
  });
});

describe('createGraphiQLOptions', () => {
  it('turns header persistence off (and its setting) only when told to', () => {
    const tabs = [{ query: 'query A { merchants { id } }' }];
    expect(createGraphiQLOptions({ tabs, mayPersistHeaders: false })).toMatchObject({ shouldPersistHeaders: false });
    expect(createGraphiQLOptions({ tabs })).not.toHaveProperty('shouldPersistHeaders');
  });
});
