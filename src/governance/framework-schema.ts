// One file format for every governance framework Marz ships or loads: SDG indicator 10.7.2,
// the GCM's objectives and guiding principles, and the (empty) MGI skeleton.
//
// A framework is a versioned tree:  domain → (topic →)* indicator.
//   - every node has a `code` (unique in the framework), bilingual `texts` {en, fa},
//     optional `question` / `description` / `note` (also {en, fa}), `links` to nodes of other
//     frameworks, a `provenance` (verified / unverified / inferred) and `children`;
//   - an `indicator` is a node that is answered; it has no children and must resolve an answer
//     scheme (its own `answerScheme`, or the nearest ancestor's) in an 'assessment' framework;
//   - 'reference' frameworks (the GCM) are trees that other frameworks link to; nothing in them
//     is answered.
// Answer schemes are declared once per framework and referenced by id. An option may carry a
// numeric `value` (10.7.2: YES_ALL 1, YES_LEGAL_ONLY 0.5, NO 0); schemes that are not scores
// (the MGI) leave it out.
//
// parseFramework(json) never throws: it returns either the typed framework or a list of
// problems, each with a path such as `nodes[0].children[2].texts.fa` and a reason.
import fs from 'node:fs';
import { z } from 'zod';

export const FRAMEWORK_FORMAT_VERSION = 1;

// ---------------------------------------------------------------- types

export interface LocalizedText {
  en: string;
  fa: string;
}

export type LinkBasis = 'official' | 'inferred';

export interface FrameworkLink {
  /** Target framework id: a shipped id ('gcm', 'sdg-10.7.2', 'mgi') or 'sdg' for SDG targets/indicators. */
  framework: string;
  /** Node code in the target framework ('7', 'PD_4_3') or an SDG target/indicator number ('10.7.2'). */
  code: string;
  /** 'official' = stated by the custodian; 'inferred' = worked out by the Marz team from the wording. */
  basis?: LinkBasis;
  note?: string;
}

export type ProvenanceStatus = 'verified' | 'unverified' | 'inferred';

export interface Provenance {
  status: ProvenanceStatus;
  sourceUrl?: string;
  note?: string;
}

export type NodeLevel = 'domain' | 'topic' | 'indicator';

export interface FrameworkNode {
  code: string;
  level: NodeLevel;
  texts: LocalizedText;
  question?: LocalizedText;
  description?: LocalizedText;
  note?: LocalizedText;
  answerScheme?: string;
  links?: FrameworkLink[];
  provenance?: Provenance;
  children?: FrameworkNode[];
}

export interface AnswerOption {
  code: string;
  label: LocalizedText;
  value?: number;
}

export interface AnswerScheme {
  id: string;
  label?: LocalizedText;
  options: AnswerOption[];
}

export interface SourceRef {
  title: string;
  url: string;
  note?: string;
}

export type FrameworkKind = 'assessment' | 'reference';

export interface Framework {
  formatVersion: 1;
  id: string;
  version: string;
  kind: FrameworkKind;
  title: LocalizedText;
  description?: LocalizedText;
  note?: LocalizedText;
  source: SourceRef[];
  answerSchemes: AnswerScheme[];
  links?: FrameworkLink[];
  nodes: FrameworkNode[];
}

export interface FrameworkProblem {
  /** Where in the JSON, e.g. `nodes[0].children[2].texts.fa`. Empty string = the document itself. */
  path: string;
  /** Code of the nearest enclosing node, when there is one. */
  nodeCode?: string;
  message: string;
}

export type ParseFrameworkResult =
  | { ok: true; framework: Framework }
  | { ok: false; problems: FrameworkProblem[] };

// ---------------------------------------------------------------- zod schema

const PERSIAN_LETTER = /[\u0600-\u06FF]/;
const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const FRAMEWORK_ID = /^[a-z0-9][a-z0-9.-]*$/;

const nonBlank = (what: string) =>
  z
    .string({ error: (iss) => (iss.input === undefined ? `${what} is required` : `${what} must be a string`) })
    .refine((s) => s.trim().length > 0, { message: `${what} must not be empty` })
    .refine((s) => s === s.trim(), { message: `${what} must not start or end with spaces` });

export const LocalizedTextSchema = z.strictObject({
  en: nonBlank('English text'),
  fa: nonBlank('Persian text').refine((s) => PERSIAN_LETTER.test(s), {
    message: 'Persian text must contain Persian letters (is it untranslated?)',
  }),
});

const codeSchema = z
  .string({ error: 'code must be a string' })
  .regex(CODE, { message: 'code must be letters, digits, "_", "." or "-" and start with a letter or digit' });

export const LinkSchema = z.strictObject({
  framework: z.string().regex(FRAMEWORK_ID, { message: 'link framework must be a lower-case framework id such as "gcm" or "sdg"' }),
  code: codeSchema,
  basis: z.enum(['official', 'inferred']).optional(),
  note: z.string().optional(),
});

const urlSchema = z.url({ message: 'must be an absolute URL' });

export const ProvenanceSchema = z.strictObject({
  status: z.enum(['verified', 'unverified', 'inferred']),
  sourceUrl: urlSchema.optional(),
  note: z.string().optional(),
});

export const NodeSchema: z.ZodType<FrameworkNode> = z.lazy(() =>
  z.strictObject({
    code: codeSchema,
    level: z.enum(['domain', 'topic', 'indicator'], { error: 'level must be "domain", "topic" or "indicator"' }),
    texts: LocalizedTextSchema,
    question: LocalizedTextSchema.optional(),
    description: LocalizedTextSchema.optional(),
    note: LocalizedTextSchema.optional(),
    answerScheme: z.string().optional(),
    links: z.array(LinkSchema).optional(),
    provenance: ProvenanceSchema.optional(),
    children: z.array(NodeSchema).optional(),
  }),
);

export const AnswerOptionSchema = z.strictObject({
  code: z.string().regex(/^[A-Z][A-Z0-9_]*$/, { message: 'option code must be UPPER_SNAKE_CASE' }),
  label: LocalizedTextSchema,
  value: z.number().finite().optional(),
});

export const AnswerSchemeSchema = z.strictObject({
  id: codeSchema,
  label: LocalizedTextSchema.optional(),
  options: z.array(AnswerOptionSchema).min(2, { message: 'an answer scheme needs at least 2 options' }),
});

export const SourceSchema = z.strictObject({
  title: nonBlank('source title'),
  url: urlSchema,
  note: z.string().optional(),
});

export const FrameworkSchema: z.ZodType<Framework> = z
  .strictObject({
    formatVersion: z.literal(FRAMEWORK_FORMAT_VERSION, { error: `formatVersion must be ${FRAMEWORK_FORMAT_VERSION}` }),
    id: z.string().regex(FRAMEWORK_ID, { message: 'id must be a lower-case id such as "sdg-10.7.2"' }),
    version: nonBlank('version'),
    kind: z.enum(['assessment', 'reference'], { error: 'kind must be "assessment" or "reference"' }),
    title: LocalizedTextSchema,
    description: LocalizedTextSchema.optional(),
    note: LocalizedTextSchema.optional(),
    source: z.array(SourceSchema).min(1, { message: 'at least one source is required' }),
    answerSchemes: z.array(AnswerSchemeSchema),
    links: z.array(LinkSchema).optional(),
    nodes: z.array(NodeSchema).min(1, { message: 'a framework needs at least one domain' }),
  })
  .superRefine((fw, ctx) => {
    for (const p of structuralProblems(fw)) ctx.addIssue({ code: 'custom', message: p.message, path: p.path });
  });

// ---------------------------------------------------------------- rules the shape cannot express

type RawPath = (string | number)[];

function structuralProblems(fw: Framework): { path: RawPath; message: string }[] {
  const out: { path: RawPath; message: string }[] = [];

  const schemes = new Map<string, AnswerScheme>();
  fw.answerSchemes.forEach((s, i) => {
    if (schemes.has(s.id)) out.push({ path: ['answerSchemes', i, 'id'], message: `answer scheme "${s.id}" is declared twice` });
    schemes.set(s.id, s);
    const seen = new Set<string>();
    s.options.forEach((o, j) => {
      if (seen.has(o.code)) out.push({ path: ['answerSchemes', i, 'options', j, 'code'], message: `option "${o.code}" appears twice in scheme "${s.id}"` });
      seen.add(o.code);
    });
  });

  const codes = new Map<string, string>(); // code → first path
  const selfLinks: { path: RawPath; code: string }[] = [];

  const checkLinks = (links: FrameworkLink[] | undefined, base: RawPath) => {
    (links ?? []).forEach((l, i) => {
      if (l.framework === fw.id) selfLinks.push({ path: [...base, 'links', i, 'code'], code: l.code });
    });
  };
  checkLinks(fw.links, []);

  const walk = (nodes: FrameworkNode[], base: RawPath, parent: FrameworkNode | null, inherited: string | undefined) => {
    nodes.forEach((n, i) => {
      const here: RawPath = [...base, i];
      if (codes.has(n.code)) out.push({ path: [...here, 'code'], message: `code "${n.code}" is already used at ${codes.get(n.code)}` });
      else codes.set(n.code, pathToString(here));

      if (parent === null && n.level !== 'domain') out.push({ path: [...here, 'level'], message: `a top-level node must be a domain, not a ${n.level}` });
      if (parent !== null && n.level === 'domain') out.push({ path: [...here, 'level'], message: `a domain cannot sit inside ${parent.level} "${parent.code}"` });

      if (n.answerScheme !== undefined && !schemes.has(n.answerScheme)) {
        out.push({ path: [...here, 'answerScheme'], message: `unknown answer scheme "${n.answerScheme}" (declared: ${[...schemes.keys()].join(', ') || 'none'})` });
      }
      const scheme = n.answerScheme ?? inherited;
      if (n.level === 'indicator') {
        if (fw.kind === 'reference') out.push({ path: [...here, 'level'], message: 'a reference framework has no indicators to answer' });
        else if (scheme === undefined) out.push({ path: here, message: 'indicator has no answer scheme (set answerScheme on it or on an ancestor)' });
        if (n.children && n.children.length > 0) out.push({ path: [...here, 'children'], message: 'an indicator cannot have children' });
      }
      checkLinks(n.links, here);
      if (n.children) walk(n.children, [...here, 'children'], n, scheme);
    });
  };
  walk(fw.nodes, ['nodes'], null, undefined);

  for (const l of selfLinks) {
    if (!codes.has(l.code)) out.push({ path: l.path, message: `link to "${l.code}" in this framework, but no node has that code` });
  }
  return out;
}

// ---------------------------------------------------------------- parsing and error formatting

function pathToString(path: readonly PropertyKey[]): string {
  let s = '';
  for (const k of path) {
    if (typeof k === 'number') s += `[${k}]`;
    else s += s === '' ? String(k) : `.${String(k)}`;
  }
  return s;
}

/** Code of the innermost node on `path`, found by walking the raw input. */
function nodeCodeAt(json: unknown, path: readonly PropertyKey[]): string | undefined {
  let cur: unknown = json;
  let code: string | undefined;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') break;
    cur = (cur as Record<PropertyKey, unknown>)[k as string];
    if (cur && typeof cur === 'object' && !Array.isArray(cur)) {
      const rec = cur as { code?: unknown; level?: unknown };
      if (typeof rec.code === 'string' && rec.level !== undefined) code = rec.code;
    }
  }
  return code;
}

export function parseFramework(json: unknown): ParseFrameworkResult {
  const r = FrameworkSchema.safeParse(json);
  if (r.success) return { ok: true, framework: r.data };
  const problems: FrameworkProblem[] = r.error.issues.map((issue) => {
    const path = pathToString(issue.path);
    const nodeCode = nodeCodeAt(json, issue.path);
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') message = `unknown field(s): ${issue.keys.join(', ')}`;
    return nodeCode === undefined ? { path, message } : { path, nodeCode, message };
  });
  return { ok: false, problems };
}

export function formatProblems(problems: FrameworkProblem[]): string {
  return problems
    .map((p) => `  ${p.path || '(document)'}${p.nodeCode ? ` [${p.nodeCode}]` : ''}: ${p.message}`)
    .join('\n');
}

export class FrameworkError extends Error {
  readonly problems: FrameworkProblem[];
  constructor(name: string, problems: FrameworkProblem[]) {
    super(`framework ${name} is invalid:\n${formatProblems(problems)}`);
    this.name = 'FrameworkError';
    this.problems = problems;
  }
}

/** parseFramework, but throws a FrameworkError listing every problem. */
export function assertFramework(json: unknown, name = 'document'): Framework {
  const r = parseFramework(json);
  if (!r.ok) throw new FrameworkError(name, r.problems);
  return r.framework;
}

// ---------------------------------------------------------------- shipped frameworks and helpers

export const SHIPPED_FRAMEWORKS = {
  'sdg-10.7.2': 'sdg-10-7-2.json',
  gcm: 'gcm.json',
  mgi: 'mgi-skeleton.json',
} as const;

export type ShippedFrameworkId = keyof typeof SHIPPED_FRAMEWORKS;

export function loadShippedFramework(id: ShippedFrameworkId): Framework {
  const file = SHIPPED_FRAMEWORKS[id];
  const json: unknown = JSON.parse(fs.readFileSync(new URL(`./frameworks/${file}`, import.meta.url), 'utf8'));
  return assertFramework(json, file);
}

/** Every node, depth first, with its parent's code. */
export function* walkNodes(fw: Framework): Generator<{ node: FrameworkNode; parent: FrameworkNode | null; depth: number }> {
  function* go(nodes: FrameworkNode[], parent: FrameworkNode | null, depth: number): Generator<{ node: FrameworkNode; parent: FrameworkNode | null; depth: number }> {
    for (const node of nodes) {
      yield { node, parent, depth };
      if (node.children) yield* go(node.children, node, depth + 1);
    }
  }
  yield* go(fw.nodes, null, 0);
}

export function findNode(fw: Framework, code: string): FrameworkNode | undefined {
  for (const { node } of walkNodes(fw)) if (node.code === code) return node;
  return undefined;
}

/** The answer scheme an indicator uses (its own, or the nearest ancestor's). */
export function answerSchemeFor(fw: Framework, code: string): AnswerScheme | undefined {
  const find = (nodes: FrameworkNode[], inherited: string | undefined): string | undefined | null => {
    for (const n of nodes) {
      const s = n.answerScheme ?? inherited;
      if (n.code === code) return s;
      if (n.children) {
        const r = find(n.children, s);
        if (r !== null) return r;
      }
    }
    return null;
  };
  const id = find(fw.nodes, undefined);
  return id ? fw.answerSchemes.find((s) => s.id === id) : undefined;
}

/**
 * Links between loaded frameworks: every link whose target framework is among `frameworks`
 * must name an existing node there. Links to frameworks that are not loaded (e.g. 'sdg') are
 * not checked.
 */
export function crossLinkProblems(frameworks: Framework[]): FrameworkProblem[] {
  const byId = new Map(frameworks.map((f) => [f.id, new Set([...walkNodes(f)].map((w) => w.node.code))]));
  const out: FrameworkProblem[] = [];
  for (const fw of frameworks) {
    const check = (links: FrameworkLink[] | undefined, where: string, nodeCode?: string) => {
      (links ?? []).forEach((l, i) => {
        const target = byId.get(l.framework);
        if (target && !target.has(l.code)) {
          const p: FrameworkProblem = { path: `${fw.id}:${where}links[${i}]`, message: `link to ${l.framework} "${l.code}", which does not exist` };
          if (nodeCode) p.nodeCode = nodeCode;
          out.push(p);
        }
      });
    };
    check(fw.links, '');
    for (const { node } of walkNodes(fw)) check(node.links, `${node.code}.`, node.code);
  }
  return out;
}
