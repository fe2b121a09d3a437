// Pure computations over a framework and an assessment's answers: the indicator index,
// progress per domain, the GCM objective view, SDG 10.7.2 scoring of an assessment, the
// difference between two framework versions and between two assessment rounds, and the
// workplan's overdue rule. No database here: the service loads the data and calls these.
import type { AnswerScheme, Framework, FrameworkNode, LocalizedText } from './framework-schema.ts';
import { SDG1072_DOMAINS, validateSdg1072, scoreSdg1072Detailed, type Sdg1072DetailedScore, type Sdg1072Problem } from './scoring.ts';

// ---------------------------------------------------------------- framework index

export interface IndexedNode {
  code: string;
  level: FrameworkNode['level'];
  texts: LocalizedText;
  question?: LocalizedText;
  parentCode: string | null;
  /** Codes from the domain down to the parent. */
  ancestors: string[];
  domainCode: string;
  position: number;
  depth: number;
  /** The answer scheme in force (own or inherited); indicators of assessment frameworks have one. */
  scheme: AnswerScheme | null;
  /** Links on the node itself, as 'framework:code'. */
  links: string[];
  /** Links on the node and on its ancestors (what the indicator speaks to), as 'framework:code'. */
  effectiveLinks: string[];
}

export interface FrameworkIndex {
  framework: Framework;
  nodes: Map<string, IndexedNode>;
  /** Indicators in framework order. */
  indicators: IndexedNode[];
  domains: IndexedNode[];
}

export const linkKey = (framework: string, code: string) => `${framework}:${code}`;

export function indexFramework(fw: Framework): FrameworkIndex {
  const schemes = new Map(fw.answerSchemes.map((s) => [s.id, s]));
  const nodes = new Map<string, IndexedNode>();
  const indicators: IndexedNode[] = [];
  const domains: IndexedNode[] = [];
  let position = 0;
  const walk = (list: FrameworkNode[], parent: IndexedNode | null, inheritedScheme: string | undefined, inheritedLinks: string[]) => {
    for (const n of list) {
      const schemeId = n.answerScheme ?? inheritedScheme;
      const own = (n.links ?? []).map((l) => linkKey(l.framework, l.code));
      const effective = [...new Set([...inheritedLinks, ...own])];
      const entry: IndexedNode = {
        code: n.code,
        level: n.level,
        texts: n.texts,
        question: n.question,
        parentCode: parent?.code ?? null,
        ancestors: parent ? [...parent.ancestors, parent.code] : [],
        domainCode: parent ? parent.domainCode : n.code,
        position: position++,
        depth: parent ? parent.depth + 1 : 0,
        scheme: schemeId ? schemes.get(schemeId) ?? null : null,
        links: own,
        effectiveLinks: effective,
      };
      nodes.set(n.code, entry);
      if (n.level === 'domain') domains.push(entry);
      if (n.level === 'indicator') indicators.push(entry);
      if (n.children) walk(n.children, entry, schemeId, effective);
    }
  };
  walk(fw.nodes, null, undefined, []);
  return { framework: fw, nodes, indicators, domains };
}

// ---------------------------------------------------------------- answers

/** How an answer stands: positive (present / yes), partial, negative (absent / no), neutral (n/a, unknown). */
export type Tone = 'positive' | 'partial' | 'negative' | 'neutral' | 'unanswered';
export const TONE_RANK: Record<Tone, number> = { negative: 0, partial: 1, positive: 2, neutral: -1, unanswered: -1 };

const POSITIVE_CODES = new Set(['PRESENT', 'YES', 'YES_ALL', 'FULLY_PRESENT', 'FULLY_MEETS']);
const PARTIAL_CODES = new Set(['PARTIAL', 'PARTIALLY_PRESENT', 'YES_LEGAL_ONLY', 'PARTLY']);
const NEGATIVE_CODES = new Set(['ABSENT', 'NO', 'NONE']);

export function answerTone(scheme: AnswerScheme | null, code: string | null | undefined): Tone {
  if (!code) return 'unanswered';
  const opt = scheme?.options.find((o) => o.code === code);
  if (!opt) return 'neutral';
  const values = (scheme?.options ?? []).map((o) => o.value).filter((v): v is number => typeof v === 'number');
  if (typeof opt.value === 'number' && values.length >= 2) {
    const max = Math.max(...values);
    const min = Math.min(...values);
    if (opt.value === max) return 'positive';
    if (opt.value === min) return 'negative';
    return 'partial';
  }
  if (POSITIVE_CODES.has(code)) return 'positive';
  if (PARTIAL_CODES.has(code)) return 'partial';
  if (NEGATIVE_CODES.has(code)) return 'negative';
  return 'neutral';
}

export interface AnswerData {
  answer: string | null;
  finding_en: string;
  finding_fa: string;
  highlight: 'good_practice' | 'gap' | null;
  responsible_agency_id: number | null;
}

export interface EvidenceData {
  id: number;
  node_code: string;
  kind: string;
  title: string;
  url: string | null;
  article: string | null;
  issued_on: string | null;
  language: string | null;
  file_name: string | null;
}

export const isGap = (tone: Tone, highlight: AnswerData['highlight']) => highlight === 'gap' || (highlight !== 'good_practice' && (tone === 'negative' || tone === 'partial'));
export const isGoodPractice = (tone: Tone, a: AnswerData | undefined) =>
  a?.highlight === 'good_practice' || (a?.highlight == null && tone === 'positive' && !!(a?.finding_en.trim() || a?.finding_fa.trim()));

// ---------------------------------------------------------------- progress per domain

export interface IndicatorBrief {
  code: string;
  texts: LocalizedText;
  answer: string | null;
  tone: Tone;
}

export interface ToneCounts {
  indicators: number;
  answered: number;
  positive: number;
  partial: number;
  negative: number;
  neutral: number;
  unanswered: number;
  with_evidence: number;
  evidence_items: number;
}

export interface DomainProgress extends ToneCounts {
  code: string;
  texts: LocalizedText;
  gaps: IndicatorBrief[];
  good_practices: IndicatorBrief[];
}

const emptyCounts = (): ToneCounts => ({ indicators: 0, answered: 0, positive: 0, partial: 0, negative: 0, neutral: 0, unanswered: 0, with_evidence: 0, evidence_items: 0 });

function addTo(c: ToneCounts, tone: Tone, evidence: number) {
  c.indicators++;
  c[tone]++;
  if (tone !== 'unanswered') c.answered++;
  if (evidence > 0) c.with_evidence++;
  c.evidence_items += evidence;
}

export function progress(ix: FrameworkIndex, answers: Map<string, AnswerData>, evidenceCount: Map<string, number>): { domains: DomainProgress[]; total: ToneCounts } {
  const total = emptyCounts();
  const byDomain = new Map<string, DomainProgress>(ix.domains.map((d) => [d.code, { code: d.code, texts: d.texts, ...emptyCounts(), gaps: [], good_practices: [] }]));
  for (const ind of ix.indicators) {
    const a = answers.get(ind.code);
    const tone = answerTone(ind.scheme, a?.answer);
    const ev = evidenceCount.get(ind.code) ?? 0;
    const d = byDomain.get(ind.domainCode)!;
    addTo(d, tone, ev);
    addTo(total, tone, ev);
    const brief = { code: ind.code, texts: ind.texts, answer: a?.answer ?? null, tone };
    if (tone !== 'unanswered' && isGap(tone, a?.highlight ?? null)) d.gaps.push(brief);
    if (isGoodPractice(tone, a)) d.good_practices.push(brief);
  }
  return { domains: [...byDomain.values()], total };
}

// ---------------------------------------------------------------- GCM objectives

export interface GcmObjectiveView extends ToneCounts {
  code: string;
  kind: 'objective' | 'principle';
  texts: LocalizedText;
  indicators: number;
  items: (IndicatorBrief & { domain: string; evidence: number })[];
}

/** For each GCM objective (and guiding principle): the indicators that speak to it and where they stand. */
export function gcmView(ix: FrameworkIndex, gcm: Framework, answers: Map<string, AnswerData>, evidenceCount: Map<string, number>): GcmObjectiveView[] {
  const out: GcmObjectiveView[] = [];
  for (const group of gcm.nodes) {
    const kind = group.code === 'GUIDING_PRINCIPLES' ? 'principle' : 'objective';
    for (const target of group.children ?? []) {
      const view: GcmObjectiveView = { code: target.code, kind, texts: target.texts, ...emptyCounts(), items: [] };
      const key = linkKey(gcm.id, target.code);
      for (const ind of ix.indicators) {
        if (!ind.effectiveLinks.includes(key)) continue;
        const a = answers.get(ind.code);
        const tone = answerTone(ind.scheme, a?.answer);
        const ev = evidenceCount.get(ind.code) ?? 0;
        addTo(view, tone, ev);
        view.items.push({ code: ind.code, texts: ind.texts, answer: a?.answer ?? null, tone, domain: ind.domainCode, evidence: ev });
      }
      out.push(view);
    }
  }
  return out;
}

// ---------------------------------------------------------------- SDG 10.7.2

export type AssessmentScore =
  | { applicable: false }
  | { applicable: true; complete: true; score: Sdg1072DetailedScore }
  | { applicable: true; complete: false; missing: string[]; problems: Sdg1072Problem[] };

export const SDG1072_FRAMEWORK = 'sdg-10.7.2';

/** Scores an SDG 10.7.2 assessment with scoring.ts; an incomplete set names the missing items. */
export function scoreAssessment(ix: FrameworkIndex, answers: Map<string, AnswerData>): AssessmentScore {
  if (ix.framework.id !== SDG1072_FRAMEWORK) return { applicable: false };
  const input: Record<string, (string | null)[]> = {};
  for (const d of SDG1072_DOMAINS) {
    const items = ix.indicators.filter((i) => i.domainCode === d);
    input[d] = (items.length ? items : [1, 2, 3, 4, 5].map((k) => ({ code: `${d}_${k}` }))).map((i) => answers.get(i.code)?.answer ?? null);
  }
  const v = validateSdg1072(input);
  if (!v.ok) {
    return { applicable: true, complete: false, missing: v.problems.filter((p) => p.kind === 'missing' && p.item).map((p) => p.item!), problems: v.problems };
  }
  return { applicable: true, complete: true, score: scoreSdg1072Detailed(v.answers) };
}

// ---------------------------------------------------------------- framework version differences

export interface NodeMapping {
  from_code: string;
  to_code: string;
}

export interface VersionDiff {
  same_version: boolean;
  added: { code: string; texts: LocalizedText; parent: string | null }[];
  removed: { code: string; texts: LocalizedText; parent: string | null }[];
  remapped: {
    from_code: string;
    to_code: string;
    reasons: ('code_changed' | 'moved' | 'links_changed')[];
    from_parent: string | null;
    to_parent: string | null;
    links_added: string[];
    links_removed: string[];
  }[];
  /** old indicator code → new indicator code, for every indicator that continues. */
  continues: Map<string, string>;
}

const externalLinks = (n: IndexedNode, fwId: string) => n.effectiveLinks.filter((l) => !l.startsWith(fwId + ':')).sort();

/** Indicators added, removed and re-mapped (renamed, moved, or linked differently) between two versions. */
export function compareVersions(from: FrameworkIndex, to: FrameworkIndex, mappings: NodeMapping[] = [], sameVersion = false): VersionDiff {
  const explicit = new Map(mappings.map((m) => [m.from_code, m.to_code]));
  const continues = new Map<string, string>();
  const targets = new Set<string>();
  for (const ind of from.indicators) {
    const mapped = explicit.get(ind.code);
    const target = mapped !== undefined && to.nodes.get(mapped)?.level === 'indicator' ? mapped : to.nodes.get(ind.code)?.level === 'indicator' && !explicit.has(ind.code) ? ind.code : undefined;
    if (target !== undefined && !targets.has(target)) {
      continues.set(ind.code, target);
      targets.add(target);
    }
  }
  const brief = (n: IndexedNode) => ({ code: n.code, texts: n.texts, parent: n.parentCode });
  const removed = from.indicators.filter((i) => !continues.has(i.code)).map(brief);
  const added = to.indicators.filter((i) => !targets.has(i.code)).map(brief);
  const remapped: VersionDiff['remapped'] = [];
  for (const [fromCode, toCode] of continues) {
    const a = from.nodes.get(fromCode)!;
    const b = to.nodes.get(toCode)!;
    const reasons: VersionDiff['remapped'][number]['reasons'] = [];
    if (fromCode !== toCode) reasons.push('code_changed');
    const parentA = a.parentCode === null ? null : continues.get(a.parentCode) ?? explicit.get(a.parentCode) ?? a.parentCode;
    if (parentA !== b.parentCode) reasons.push('moved');
    const la = externalLinks(a, from.framework.id);
    const lb = externalLinks(b, to.framework.id);
    const linksAdded = lb.filter((l) => !la.includes(l));
    const linksRemoved = la.filter((l) => !lb.includes(l));
    if (linksAdded.length || linksRemoved.length) reasons.push('links_changed');
    if (reasons.length) remapped.push({ from_code: fromCode, to_code: toCode, reasons, from_parent: a.parentCode, to_parent: b.parentCode, links_added: linksAdded, links_removed: linksRemoved });
  }
  return { same_version: sameVersion, added, removed, remapped, continues };
}

// ---------------------------------------------------------------- round comparison

export interface RoundData {
  index: FrameworkIndex;
  answers: Map<string, AnswerData>;
  evidence: EvidenceData[];
}

export const evidenceFingerprint = (e: Pick<EvidenceData, 'kind' | 'title' | 'url' | 'article'>) =>
  [e.kind, e.title.trim().toLowerCase().replace(/\s+/g, ' '), (e.url ?? '').trim(), (e.article ?? '').trim().toLowerCase()].join('|');

export interface RoundComparison {
  framework: Omit<VersionDiff, 'continues'>;
  answers: {
    changed: { from_code: string; to_code: string; from_answer: string | null; to_answer: string | null; from_tone: Tone; to_tone: Tone; direction: 'improved' | 'worsened' | 'changed' }[];
    findings_changed: { from_code: string; to_code: string }[];
    unchanged: number;
  };
  evidence: {
    added: (Omit<EvidenceData, 'node_code'> & { code: string })[];
    removed: (Omit<EvidenceData, 'node_code'> & { code: string })[];
  };
  progress: { from: ToneCounts; to: ToneCounts };
}

export function compareRounds(from: RoundData, to: RoundData, mappings: NodeMapping[] = [], sameVersion = false): RoundComparison {
  const diff = compareVersions(from.index, to.index, mappings, sameVersion);
  const { continues, ...framework } = diff;
  const changed: RoundComparison['answers']['changed'] = [];
  const findingsChanged: RoundComparison['answers']['findings_changed'] = [];
  let unchanged = 0;
  for (const [fromCode, toCode] of continues) {
    const a = from.answers.get(fromCode);
    const b = to.answers.get(toCode);
    const fa = a?.answer ?? null;
    const fb = b?.answer ?? null;
    if (fa !== fb) {
      const ta = answerTone(from.index.nodes.get(fromCode)!.scheme, fa);
      const tb = answerTone(to.index.nodes.get(toCode)!.scheme, fb);
      const ra = TONE_RANK[ta];
      const rb = TONE_RANK[tb];
      changed.push({ from_code: fromCode, to_code: toCode, from_answer: fa, to_answer: fb, from_tone: ta, to_tone: tb, direction: ra >= 0 && rb >= 0 && rb !== ra ? (rb > ra ? 'improved' : 'worsened') : 'changed' });
    } else unchanged++;
    if ((a?.finding_en ?? '') !== (b?.finding_en ?? '') || (a?.finding_fa ?? '') !== (b?.finding_fa ?? '')) findingsChanged.push({ from_code: fromCode, to_code: toCode });
  }
  // Evidence: compared per indicator (through the mapping) by what it cites, not by row id.
  const back = new Map([...continues].map(([f, t]) => [t, f]));
  const fromPrints = new Set(from.evidence.map((e) => `${e.node_code}#${evidenceFingerprint(e)}`));
  const toPrints = new Set(to.evidence.map((e) => `${back.get(e.node_code) ?? '∅' + e.node_code}#${evidenceFingerprint(e)}`));
  const strip = ({ node_code, ...rest }: EvidenceData) => ({ ...rest, code: node_code });
  const added = to.evidence.filter((e) => !fromPrints.has(`${back.get(e.node_code) ?? '∅' + e.node_code}#${evidenceFingerprint(e)}`)).map(strip);
  const removed = from.evidence.filter((e) => !toPrints.has(`${e.node_code}#${evidenceFingerprint(e)}`)).map(strip);
  const count = (r: RoundData) => progress(r.index, r.answers, evidenceCounts(r.evidence)).total;
  return { framework, answers: { changed, findings_changed: findingsChanged, unchanged }, evidence: { added, removed }, progress: { from: count(from), to: count(to) } };
}

export function evidenceCounts(evidence: Pick<EvidenceData, 'node_code'>[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of evidence) m.set(e.node_code, (m.get(e.node_code) ?? 0) + 1);
  return m;
}

// ---------------------------------------------------------------- coordination workplan

export type ActionStatus = 'open' | 'in_progress' | 'done' | 'cancelled';

/** An action item is overdue when it is still open or in progress and its due date has passed. */
export function isOverdue(item: { status: ActionStatus | string; due_on: string | null }, today: string): boolean {
  return (item.status === 'open' || item.status === 'in_progress') && item.due_on !== null && item.due_on < today;
}

/** Days until the due date (negative when overdue); null without a due date. */
export function daysUntil(due: string | null, today: string): number | null {
  if (!due) return null;
  return Math.round((Date.parse(due + 'T00:00:00Z') - Date.parse(today + 'T00:00:00Z')) / 86_400_000);
}
