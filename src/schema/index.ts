import { lexicographicSortSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './scalars.js';
import './node.js';
import './merchant.js';
import './errors.js';
import './message.js';
import './complaint.js';
import './negotiation.js';
import './complaint-events.js';
import './mutations/reply.js';
import './mutations/complete.js';
import './mutations/refund-progress.js';
import './mutations/upload-image.js';
import './mutations/notification-url.js';

/** Sorted so that the printed SDL (schema/schema.graphql) does not depend on import order. */
export const schema: GraphQLSchema = lexicographicSortSchema(builder.toSchema());
