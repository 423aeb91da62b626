/**
 * The devnet's runtimes against the documented Cere layouts: for each runtime of
 * devnet/metadata.ts `ALL_CERE_RUNTIMES` (`CERE_RUNTIMES` and the billing-report runtime 71000),
 * the metadata the devnet serves is decoded with
 * @polkadot/types (not the encoder that built it) and every DDC pallet's index and events
 * (variant index, name, field names in order, field types by shape) must equal the table of
 * docs/cere-runtimes.md §18, which was written from Cere's sources and real metadata.
 */
import { readFileSync } from 'node:fs';
import { Metadata, TypeRegistry } from '@polkadot/types';
import type { RuntimeVersion } from '@polkadot/types/interfaces';
import { describe, expect, it } from 'vitest';
import { ALL_CERE_RUNTIMES, cereMetadata, cereRuntimeVersion } from '../devnet/metadata.ts';
import { toHex } from '../verifier/bytes.ts';

const DOC = readFileSync(new URL('../docs/cere-runtimes.md', import.meta.url), 'utf8');

interface DocRow {
  readonly from: number;
  readonly to: number;
  readonly pallet: string;
  readonly index: number;
  readonly events: string[];
}

/** The rows of §18's table. */
function documentedRows(): DocRow[] {
  const start = DOC.indexOf('## 18.');
  expect(start).toBeGreaterThan(0);
  const rows: DocRow[] = [];
  for (const line of DOC.slice(start).split('\n')) {
    const m = /^\| (\d+)(?:-(\d+))? \| (\w+) \((\d+)\) \| (.+?) \| .* \|$/.exec(line);
    if (!m) continue;
    rows.push({
      from: Number(m[1]),
      to: Number(m[2] ?? m[1]),
      pallet: m[3]!,
      index: Number(m[4]),
      events: m[5]!.split('; ').map((e) => e.trim()),
    });
  }
  return rows;
}

function registryOf(spec: number): { registry: TypeRegistry; metadata: Metadata } {
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, toHex(cereMetadata(spec)) as `0x${string}`);
  registry.setMetadata(metadata);
  return { registry, metadata };
}

/** A type by shape: a named type's last path segment, primitives, `Vec<…>`, `Option<…>`. */
function shape(registry: TypeRegistry, id: number): string {
  const t = registry.lookup.getSiType(id);
  const path = t.path.map((p) => p.toString());
  if (path.length === 1 && path[0] === 'Option') {
    return `Option<${shape(registry, t.params[0]!.type.unwrap().toNumber())}>`;
  }
  if (path.length > 0) return path.at(-1)!;
  if (t.def.isPrimitive) return t.def.asPrimitive.toString().toLowerCase();
  if (t.def.isSequence) return `Vec<${shape(registry, t.def.asSequence.type.toNumber())}>`;
  if (t.def.isCompact) return `Compact<${shape(registry, t.def.asCompact.type.toNumber())}>`;
  return t.def.type;
}

/** The events of a pallet in the document's notation. */
function servedEvents(registry: TypeRegistry, eventsType: number): string[] {
  const def = registry.lookup.getSiType(eventsType).def;
  expect(def.isVariant).toBe(true);
  return def.asVariant.variants.map((v) => {
    const fields = v.fields.map((f) => ({
      name: f.name.isSome ? f.name.unwrap().toString() : null,
      type: shape(registry, f.type.toNumber()),
    }));
    const head = `${v.index.toNumber()} ${v.name.toString()}`;
    if (fields.length === 0) return head;
    if (fields.every((f) => f.name === null))
      return `${head}(${fields.map((f) => f.type).join(', ')})`;
    return `${head} {${fields.map((f) => `${f.name}: ${f.type}`).join(', ')}}`;
  });
}

describe('the devnet serves Cere’s DDC event layouts, version by version (docs §18)', () => {
  const rows = documentedRows();

  it('the document has rows for every pallet and version', () => {
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const r of ALL_CERE_RUNTIMES) {
      const at = rows.filter((x) => x.from <= r.specVersion && r.specVersion <= x.to);
      expect(at.map((x) => x.pallet).sort()).toEqual([
        'DdcClusters',
        'DdcCustomers',
        'DdcNodes',
        'DdcPayouts',
        'DdcStaking',
        'DdcVerification',
      ]);
    }
  });

  for (const { specVersion } of ALL_CERE_RUNTIMES) {
    it(`spec ${specVersion}: pallet indices and every event equal the table`, () => {
      const { registry, metadata } = registryOf(specVersion);
      const pallets = metadata.asLatest.pallets;
      const ddc = pallets.filter((p) => p.name.toString().startsWith('Ddc'));
      expect(ddc.length).toBe(6);
      for (const p of ddc) {
        const name = p.name.toString();
        const row = rows.find(
          (x) => x.pallet === name && x.from <= specVersion && specVersion <= x.to
        );
        expect(row, `${name} at ${specVersion}`).toBeDefined();
        expect(p.index.toNumber(), `${name} index`).toBe(row!.index);
        expect(servedEvents(registry, p.events.unwrap().type.toNumber()), name).toEqual(
          row!.events
        );
      }
      // Base pallets at Cere's indices (§3, dev column).
      const index = (n: string) => pallets.find((p) => p.name.toString() === n)?.index.toNumber();
      expect([index('System'), index('Timestamp'), index('Balances'), index('Grandpa')]).toEqual([
        0, 3, 6, 11,
      ]);
      expect([index('Sudo'), index('Session'), index('Staking')]).toEqual([14, 10, 9]);
      // MultiBlockMigrations (51) first appears in 73046 (§3): not in 71000.
      expect(index('MultiBlockMigrations')).toBe(specVersion < 73046 ? undefined : 51);
      // The runtime version the metadata carries is this one.
      const v = registry.createType<RuntimeVersion>(
        'RuntimeVersion',
        metadata.asLatest.pallets
          .find((p) => p.name.toString() === 'System')!
          .constants.find((c) => c.name.toString() === 'Version')!.value
      );
      expect(v.specVersion.toNumber()).toBe(specVersion);
      expect(v.transactionVersion.toNumber()).toBe(
        cereRuntimeVersion(specVersion).transactionVersion
      );
    });
  }

  it('create_cluster has no manager argument; its protocol parameters follow the version (§4.2-4.3)', () => {
    for (const { specVersion } of ALL_CERE_RUNTIMES) {
      const { registry, metadata } = registryOf(specVersion);
      const clusters = metadata.asLatest.pallets.find((p) => p.name.toString() === 'DdcClusters')!;
      const call = registry.lookup
        .getSiType(clusters.calls.unwrap().type.toNumber())
        .def.asVariant.variants.find((v) => v.name.toString() === 'create_cluster')!;
      expect(call.index.toNumber()).toBe(0);
      expect(call.fields.map((f) => f.name.unwrap().toString())).toEqual([
        'cluster_id',
        'cluster_reserve_id',
        'cluster_params',
        'initial_protocol_params',
      ]);
      const params = registry.lookup.getSiType(call.fields[3]!.type.toNumber()).def.asComposite;
      const names = params.fields.map((f) => f.name.unwrap().toString());
      expect(names.slice(0, 6)).toEqual([
        'treasury_share',
        'validators_share',
        'cluster_reserve_share',
        'storage_bond_size',
        'storage_chill_delay',
        'storage_unbonding_delay',
      ]);
      expect(names.slice(6)).toEqual(
        specVersion >= 73177
          ? [
              'cost_per_mb_stored',
              'cost_per_mb_streamed',
              'cost_per_put_request',
              'cost_per_get_request',
              'cost_per_gpu_unit',
              'cost_per_cpu_unit',
              'cost_per_ram_unit',
              'customer_deposit_contract',
            ]
          : [
              'unit_per_mb_stored',
              'unit_per_mb_streamed',
              'unit_per_put_request',
              'unit_per_get_request',
            ]
      );
    }
  });
});
