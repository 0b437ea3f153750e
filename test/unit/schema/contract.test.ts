import { getNullableType, isInterfaceType, isObjectType, isUnionType, printSchema, type GraphQLNamedType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../../../src/schema/index.js';

function fieldsOf(name: string): string[] {
  const type: GraphQLNamedType | undefined = schema.getType(name);
  if (!isObjectType(type) && !isInterfaceType(type)) throw new Error(`${name} is not an object or interface type`);
  return Object.keys(type.getFields());
}

const ERROR_TYPES = ['ValidationError', 'NotFoundError', 'ForbiddenError', 'UnsupportedError', 'RateLimitedError', 'ProviderError'];

describe('the GraphQL contract of DESIGN.md', () => {
  it('has the contract types and fields', () => {
    expect(fieldsOf('Complaint')).toEqual(
      expect.arrayContaining(
        (
          'id provider merchant complaintId state complainedAt detail problemDescription problemType userComplaintTimes ' +
          'incomingUserResponse fullyRefunded applyRefundAmount needImmediateService payerOpenid payerPhone orders media negotiationHistory'
        ).split(' '),
      ),
    );
    expect(fieldsOf('Merchant')).toEqual(expect.arrayContaining('id provider merchantNo name capabilities notificationUrl'.split(' ')));
    expect(fieldsOf('NegotiationEntry')).toEqual(expect.arrayContaining('logId operator operateType operatedAt details images message'.split(' ')));
    expect(fieldsOf('NormalMessage')).toEqual(expect.arrayContaining(['blocks', 'senderIdentity', 'customData']));
    const blocks = schema.getType('MessageBlock');
    expect(
      isUnionType(blocks) &&
        blocks
          .getTypes()
          .map((t) => t.name)
          .sort(),
    ).toEqual(['ButtonBlock', 'ButtonGroupBlock', 'FaqListBlock', 'ImageBlock', 'LinkBlock', 'TextBlock']);
    expect(fieldsOf('Query')).toEqual(expect.arrayContaining(['merchants', 'complaint', 'complaints', 'node']));
    expect(fieldsOf('Error')).toEqual(['code', 'message']);
    expect(fieldsOf('ProviderError')).toEqual(expect.arrayContaining(['provider', 'providerCode', 'httpStatus']));
    expect(fieldsOf('RateLimitedError')).toContain('retryAfterSeconds');
    expect(fieldsOf('UnsupportedError')).toContain('capability');
    expect(fieldsOf('ValidationError')).toContain('field');
    for (const scalar of ['DateTime', 'Date', 'File', 'JSON']) expect(schema.getType(scalar)).toBeDefined();
    const sdl = printSchema(schema);
    expect(sdl).toMatch(/enum Provider \{\s+HUISHOUQIAN\s+WECHAT_PAY\s+\}/);
    expect(sdl).toMatch(/enum ComplaintState \{\s+PENDING\s+PROCESSED\s+PROCESSING\s+UNKNOWN\s+\}/);
    expect(sdl).toContain('input MessageBlockInput @oneOf');
  });

  it('gives every mutation a union of its success type and the Error types', () => {
    const mutations = schema.getMutationType()?.getFields() ?? {};
    expect(Object.keys(mutations).sort()).toEqual([
      'completeComplaint',
      'createNotificationUrl',
      'deleteNotificationUrl',
      'replyImmediately',
      'replyToComplaint',
      'updateNotificationUrl',
      'updateRefundProgress',
      'uploadImage',
    ]);
    for (const [name, field] of Object.entries(mutations)) {
      const union = getNullableType(field.type);
      const resultName = `${name[0]?.toUpperCase()}${name.slice(1)}Result`;
      expect(isUnionType(union) && union.name).toBe(resultName);
      if (!isUnionType(union)) continue;
      const members = union.getTypes().map((t) => t.name);
      expect(members).toEqual(expect.arrayContaining([...ERROR_TYPES, resultName.replace(/Result$/, 'Success')]));
      for (const member of union.getTypes()) {
        if (member.name.endsWith('Error')) expect(member.getInterfaces().map((i) => i.name)).toContain('Error');
      }
    }
  });
});
