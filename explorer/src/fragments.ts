/**
 * GraphQL fragments several pages select (npm run codegen types them in explorer/src/gql/).
 * @module
 */
import { graphql } from './gql/index.ts';

/** What a line list (components/lines.tsx) needs of a stored verification line. */
export const LINE_FIELDS = graphql(`
  fragment LineFields on VerificationLine {
    step
    check
    ok
    status
    code
    reason
    rule
    basis
    facts
    source {
      block
      blockHash
      eventIndex
      extrinsic
      url
    }
  }
`);

/** The same of a line the receipt endpoint recomputes. */
export const RECEIPT_LINE_FIELDS = graphql(`
  fragment ReceiptLineFields on ReceiptLine {
    index
    subjectKind
    subjectId
    step
    check
    ok
    status
    code
    reason
    rule
    basis
    facts
    source {
      block
      blockHash
      eventIndex
      extrinsic
      url
    }
  }
`);

/** An era's on-chain totals (charts/era-math.ts computes conservation from them). */
export const ERA_TOTALS = graphql(`
  fragment EraTotals on EraPayout {
    id
    clusterId
    era
    charged
    treasuryFee
    reserveFee
    validatorFee
    rewarded
    notDistributed
    records
    ok
    failed
    blockHeight
  }
`);
