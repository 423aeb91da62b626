/**
 * Home: the search box (in the header, and here for first-time visitors), the freshness banner,
 * the latest eras and the latest failed checks.
 * @module
 */
import { useQuery } from '../api.ts';
import { Empty, Loaded, Page, Section, Status, Table } from '../components/basics.tsx';
import { Freshness } from '../components/freshness.tsx';
import { BlockLink, ClusterLink, EraLink } from '../components/links.tsx';
import { amount, count } from '../format.ts';
import { Link, href } from '../router.tsx';

interface HomeData {
  eraPayouts: Array<{
    id: string;
    clusterId: string;
    era: number;
    charged: string;
    rewarded: string;
    records: number;
    ok: boolean;
    failed: number;
    blockHeight: number;
    paid: { blockHeight: number } | null;
  }>;
  verificationLines: Array<{
    subjectKind: string;
    subjectId: string;
    seq: number;
    step: string;
    check: string;
    code: string | null;
    reason: string | null;
    blockHeight: number;
  }>;
  checkStats: Array<{ lines: number; passed: number; failed: number }>;
}

const HOME = `query Home {
  eraPayouts(orderBy: [blockHeight_DESC, era_DESC], limit: 8) {
    id clusterId era charged rewarded records ok failed blockHeight paid { blockHeight }
  }
  verificationLines(where: { ok_eq: false }, orderBy: [blockHeight_DESC], limit: 12) {
    subjectKind subjectId seq step check code reason blockHeight
  }
  checkStats { lines passed failed }
}`;

/** Where a failed line's subject is shown. */
function subjectPath(kind: string, id: string): string {
  if (kind === 'record') return href('receipt', id);
  if (kind === 'batch' || kind === 'anchor') return href('batch', id);
  if (kind === 'era' || kind === 'settlement') {
    const m = /^(0x[0-9a-fA-F]+)-(\d+)/.exec(id);
    if (m) return href('era', m[1]!, m[2]!);
  }
  return `/search?q=${encodeURIComponent(id)}`;
}

export function Home() {
  const q = useQuery<HomeData>(HOME, {}, { refreshMs: 10_000 });
  return (
    <Page title="Proof Room" kicker="Cere network receipts, verified line by line">
      <Freshness />
      <p className="lead">
        Every DDC activity record is a receipt: a consent grant, signed usage, its place in an
        anchored batch, the validators’ attestation and the era’s payout. Proof Room re-checks each
        link and shows why it holds or fails. Search by record id, hash, account or era above.
      </p>
      <Loaded state={q} what="the latest eras">
        {(d) => (
          <>
            {d.checkStats[0] && (
              <p className="totals">
                {count(d.checkStats[0].lines)} checks recorded: {count(d.checkStats[0].passed)}{' '}
                passed,{' '}
                <b className={d.checkStats[0].failed ? 'bad-text' : ''}>
                  {count(d.checkStats[0].failed)} failed
                </b>
                .
              </p>
            )}
            <Section title="Latest eras" id="eras">
              {d.eraPayouts.length === 0 ? (
                <Empty>
                  No era has been paid yet. Eras appear here once their ClusterEraPaid event is
                  indexed.
                </Empty>
              ) : (
                <Table caption="Latest paid eras">
                  <thead>
                    <tr>
                      <th>Era</th>
                      <th>Cluster</th>
                      <th className="num">Records</th>
                      <th className="num">Charged</th>
                      <th className="num">Rewarded</th>
                      <th>Checks</th>
                      <th>Paid at</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.eraPayouts.map((e) => (
                      <tr key={e.id}>
                        <td>
                          <EraLink clusterId={e.clusterId} era={e.era} />
                        </td>
                        <td>
                          <ClusterLink id={e.clusterId} />
                        </td>
                        <td className="num">{count(e.records)}</td>
                        <td className="num">{amount(e.charged)}</td>
                        <td className="num">{amount(e.rewarded)}</td>
                        <td>
                          <Status ok={e.ok} label={e.ok ? 'all passed' : `${e.failed} failed`} />
                        </td>
                        <td>
                          <BlockLink height={e.paid?.blockHeight ?? e.blockHeight} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              )}
            </Section>
            <Section title="Latest failed checks" id="failed">
              {d.verificationLines.length === 0 ? (
                <Empty>No check has failed. Every indexed line passed.</Empty>
              ) : (
                <Table caption="Latest failed checks">
                  <thead>
                    <tr>
                      <th>Subject</th>
                      <th>Check</th>
                      <th>Reason</th>
                      <th>Block</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.verificationLines.map((l) => (
                      <tr key={`${l.subjectKind}/${l.subjectId}/${l.seq}`} className="bad-row">
                        <td>
                          <Link to={subjectPath(l.subjectKind, l.subjectId)} className="mono">
                            {l.subjectKind}{' '}
                            {l.subjectId.length > 28 ? `${l.subjectId.slice(0, 28)}…` : l.subjectId}
                          </Link>
                        </td>
                        <td className="mono">{l.check}</td>
                        <td>
                          {l.reason ?? l.code} <span className="code mono">{l.code}</span>
                        </td>
                        <td>
                          <BlockLink height={l.blockHeight} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </Table>
              )}
            </Section>
          </>
        )}
      </Loaded>
    </Page>
  );
}
