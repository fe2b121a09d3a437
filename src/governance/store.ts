// Frameworks in the database: each version keeps its whole JSON document (what export gives
// back) and its nodes and links as rows (what queries use). The shipped frameworks (SDG 10.7.2,
// GCM, MGI skeleton) are seeded idempotently by seedGovernance.
import type { Database, Queryable } from '../platform/db/database.ts';
import { AppError } from '../platform/http/errors.ts';
import { readFileSync } from 'node:fs';
import { SHIPPED_FRAMEWORKS, loadShippedFramework, assertFramework, parseFramework, walkNodes, type Framework, type FrameworkNode, type ShippedFrameworkId } from './framework-schema.ts';
import { indexFramework, type FrameworkIndex, type NodeMapping } from './analysis.ts';

export interface StoredVersion {
  id: number;
  framework_id: number;
  code: string;
  kind: 'assessment' | 'reference';
  version: string;
  shipped: boolean;
  document: Framework;
  created_at: string;
}

/** Inserts the rows of gov_nodes and gov_links for one version's document. */
async function insertNodes(q: Queryable, versionId: number, fw: Framework) {
  const ix = indexFramework(fw);
  const rows = [...walkNodes(fw)].map(({ node, parent, depth }) => {
    const n = ix.nodes.get(node.code)!;
    return {
      version_id: versionId, code: node.code, parent_code: parent?.code ?? null, level: node.level, position: n.position, depth,
      text_en: node.texts.en, text_fa: node.texts.fa, question_en: node.question?.en ?? null, question_fa: node.question?.fa ?? null,
      answer_scheme: node.level === 'indicator' ? n.scheme?.id ?? null : null, links: node.links ?? [],
    };
  });
  // One statement per version: json_to_recordset keeps the round trips few.
  await q.query(
    `WITH input AS (
       SELECT * FROM json_to_recordset($1::json) AS x(version_id bigint, code text, parent_code text, level text, position int, depth int,
              text_en text, text_fa text, question_en text, question_fa text, answer_scheme text, links json)
     ), ins AS (
       INSERT INTO gov_nodes (version_id, code, parent_code, level, position, depth, text_en, text_fa, question_en, question_fa, answer_scheme)
       SELECT version_id, code, parent_code, level, position, depth, text_en, text_fa, question_en, question_fa, answer_scheme FROM input
       RETURNING id, code
     )
     INSERT INTO gov_links (node_id, target_framework, target_code, basis, note)
     SELECT ins.id, l.framework, l.code, l.basis, l.note
       FROM ins JOIN input ON input.code = ins.code,
            json_to_recordset(input.links) AS l(framework text, code text, basis text, note text)`,
    [JSON.stringify(rows)],
  );
}

/**
 * Stores a framework version. Creates the framework on first sight; a version that exists
 * already is left alone when identical (returns created: false) and refused when different.
 */
export async function storeFrameworkVersion(q: Queryable, fw: Framework, opts: { shipped?: boolean; userId?: string | null; derivedFrom?: number | null } = {}): Promise<{ id: number; created: boolean }> {
  let f = (await q.query('SELECT id, kind FROM gov_frameworks WHERE code = $1', [fw.id])).rows[0];
  if (!f) {
    f = (
      await q.query(
        `INSERT INTO gov_frameworks (code, kind, title_en, title_fa) VALUES ($1,$2,$3,$4)
         ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code RETURNING id, kind`,
        [fw.id, fw.kind, fw.title.en, fw.title.fa],
      )
    ).rows[0];
  }
  if (f.kind !== fw.kind) throw new AppError('gov_framework_kind', 409, { code: fw.id, kind: f.kind });
  const existing = (await q.query('SELECT id, document FROM gov_framework_versions WHERE framework_id = $1 AND version = $2', [f.id, fw.version])).rows[0];
  if (existing) {
    if (canonicalJson(existing.document) === canonicalJson(fw)) return { id: Number(existing.id), created: false };
    throw new AppError('gov_framework_version_exists', 409, { code: fw.id, version: fw.version });
  }
  const v = (
    await q.query(
      `INSERT INTO gov_framework_versions (framework_id, version, document, shipped, created_by, derived_from) VALUES ($1,$2,$3,$4,$5,$6)
       ON CONFLICT (framework_id, version) DO NOTHING RETURNING id`,
      [f.id, fw.version, JSON.stringify(fw), opts.shipped ?? false, opts.userId ?? null, opts.derivedFrom ?? null],
    )
  ).rows[0];
  if (!v) return { id: Number((await q.query('SELECT id FROM gov_framework_versions WHERE framework_id = $1 AND version = $2', [f.id, fw.version])).rows[0].id), created: false };
  await q.query('UPDATE gov_frameworks SET title_en = $2, title_fa = $3 WHERE id = $1', [f.id, fw.title.en, fw.title.fa]);
  await insertNodes(q, Number(v.id), fw);
  return { id: Number(v.id), created: true };
}

/** Seeds the frameworks Marz ships (SDG 10.7.2, GCM, MGI skeleton). Idempotent. */
export async function seedGovernance(q: Queryable): Promise<void> {
  for (const id of Object.keys(SHIPPED_FRAMEWORKS) as ShippedFrameworkId[]) {
    const fw = loadShippedFramework(id);
    const have = await q.query(
      `SELECT 1 FROM gov_framework_versions v JOIN gov_frameworks f ON f.id = v.framework_id WHERE f.code = $1 AND v.version = $2`,
      [fw.id, fw.version],
    );
    if (!have.rowCount) await storeFrameworkVersion(q, fw, { shipped: true });
  }
  // Further shipped versions, stored after the frameworks above so that they are the newest.
  for (const file of SHIPPED_EXTRA_VERSIONS) {
    const fw = assertFramework(JSON.parse(readFileSync(new URL(`./frameworks/${file}`, import.meta.url), 'utf8')), file);
    const have = await q.query(`SELECT 1 FROM gov_framework_versions v JOIN gov_frameworks f ON f.id = v.framework_id WHERE f.code = $1 AND v.version = $2`, [fw.id, fw.version]);
    if (!have.rowCount) await storeFrameworkVersion(q, fw, { shipped: true });
  }
}

/**
 * Shipped versions beyond SHIPPED_FRAMEWORKS: the MGI starter indicators (issue 14), written by
 * Marz in its own words over the six MGI domains — not IOM's text, replaceable by import — so
 * that a first MGI round can start without authoring a framework.
 */
export const SHIPPED_EXTRA_VERSIONS = ['mgi-starter.json'] as const;

const VERSION_SQL = `SELECT v.id, v.framework_id, f.code, f.kind, v.version, v.shipped, v.document, v.created_at
                       FROM gov_framework_versions v JOIN gov_frameworks f ON f.id = v.framework_id`;

const toVersion = (r: any): StoredVersion => ({ ...r, id: Number(r.id), framework_id: Number(r.framework_id), created_at: new Date(r.created_at).toISOString() });

export async function versionById(q: Queryable, id: number): Promise<StoredVersion> {
  const r = (await q.query(VERSION_SQL + ' WHERE v.id = $1', [id])).rows[0];
  if (!r) throw new AppError('gov_unknown_framework', 404, { code: String(id) });
  return toVersion(r);
}

/** A version by framework code and version; without a version, the newest. */
export async function findVersion(q: Queryable, code: string, version?: string | null): Promise<StoredVersion> {
  const r = version
    ? (await q.query(VERSION_SQL + ' WHERE f.code = $1 AND v.version = $2', [code, version])).rows[0]
    : (await q.query(VERSION_SQL + ' WHERE f.code = $1 ORDER BY v.created_at DESC, v.id DESC LIMIT 1', [code])).rows[0];
  if (!r) throw new AppError('gov_unknown_framework', 404, { code: version ? `${code} ${version}` : code });
  return toVersion(r);
}

/** The index of a version's document (indicators in order, inherited schemes and links). */
export function indexOf(v: StoredVersion): FrameworkIndex {
  return indexFramework(v.document);
}

export async function mappingsBetween(q: Queryable, fromVersion: number, toVersion: number): Promise<NodeMapping[]> {
  if (fromVersion === toVersion) return [];
  return (await q.query('SELECT from_code, to_code FROM gov_node_mappings WHERE from_version_id = $1 AND to_version_id = $2 ORDER BY id', [fromVersion, toVersion])).rows;
}

export async function setMappings(q: Queryable, fromVersion: number, toVersion: number, mappings: NodeMapping[]) {
  await q.query('DELETE FROM gov_node_mappings WHERE from_version_id = $1 AND to_version_id = $2', [fromVersion, toVersion]);
  for (const m of mappings) {
    await q.query('INSERT INTO gov_node_mappings (from_version_id, from_code, to_version_id, to_code) VALUES ($1,$2,$3,$4)', [fromVersion, m.from_code, toVersion, m.to_code]);
  }
}

/** True when a published assessment uses the version (its content is then part of a published record). */
export async function versionFrozen(q: Queryable, versionId: number): Promise<boolean> {
  return !!(await q.query(`SELECT 1 FROM gov_assessments WHERE framework_version_id = $1 AND status = 'PUBLISHED' LIMIT 1`, [versionId])).rowCount;
}

/**
 * Adds a node (an indicator, usually) under an existing node of a version that is neither shipped
 * nor used by a published assessment. The document is re-validated as a whole.
 */
export async function addNode(q: Queryable, v: StoredVersion, parentCode: string, node: FrameworkNode): Promise<Framework> {
  if (v.shipped) throw new AppError('gov_framework_version_shipped', 409, { code: v.code, version: v.version });
  if (await versionFrozen(q, v.id)) throw new AppError('gov_framework_version_frozen', 409, { code: v.code, version: v.version });
  const doc: Framework = JSON.parse(JSON.stringify(v.document));
  let found = false;
  const visit = (list: FrameworkNode[]) => {
    for (const n of list) {
      if (n.code === parentCode) {
        (n.children ??= []).push(node);
        found = true;
        return;
      }
      if (n.children) visit(n.children);
    }
  };
  visit(doc.nodes);
  if (!found) throw new AppError('gov_unknown_node', 404, { code: parentCode });
  const parsed = parseFramework(doc);
  if (!parsed.ok) throw new AppError('gov_framework_invalid', 400, { count: parsed.problems.length }, parsed.problems);
  await q.query('UPDATE gov_framework_versions SET document = $2 WHERE id = $1', [v.id, JSON.stringify(parsed.framework)]);
  await q.query('DELETE FROM gov_nodes WHERE version_id = $1', [v.id]);
  await insertNodes(q, v.id, parsed.framework);
  return parsed.framework;
}

/** JSON with object keys sorted, so equal documents give equal text (jsonb reorders keys). */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  const o = v as Record<string, unknown>;
  return '{' + Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k])).join(',') + '}';
}
