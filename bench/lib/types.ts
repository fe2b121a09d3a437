// Shapes shared by the benchmark's parent (bench/run.ts) and its scenario processes (bench/child.ts).
import type { Engine } from '../../src/platform/db/database.ts';

export type ScenarioName = 'import' | 'import-load' | 'dashboard' | 'export' | 'concurrency' | 'web' | 'growth' | 'flows-files' | 'collect' | 'protection' | 'provinces' | 'exercises';
export const SCENARIOS: ScenarioName[] = ['import', 'import-load', 'dashboard', 'export', 'concurrency', 'web', 'growth', 'flows-files', 'collect', 'protection', 'provinces', 'exercises'];

export interface ScenarioSpec {
  scenario: ScenarioName;
  engine: Engine;
  quick: boolean;
  /** Records in the file or dataset the scenario works on. */
  records: number;
  /** Repetitions of each timed measurement. */
  runs: number;
  /** Where the child writes its ScenarioResult as JSON. */
  resultFile: string;
  /** Scenario-specific settings. */
  options: Record<string, any>;
}

/** One line of the results table: a measured figure, its reference and its target. */
export interface Measurement {
  name: string;
  /** Wall-clock times in ms over the runs (or request latencies for dashboards/concurrency). */
  median_ms: number | null;
  min_ms: number | null;
  max_ms: number | null;
  runs: number;
  p50_ms?: number;
  p95_ms?: number;
  p99_ms?: number;
  rows?: number;
  rows_per_s?: number | null;
  /** Requests per second (concurrency). */
  per_s?: number;
  peak_rss_mb?: number | null;
  cpu?: { node_s: number | null; db_s: number | null };
  reference?: { name: string; median_ms: number | null; min_ms?: number | null; max_ms?: number | null; p95_ms?: number; rows_per_s?: number | null; per_s?: number; peak_rss_mb?: number | null; note?: string } | null;
  /** The figure divided by its reference measured in the same run (> 1: slower than the reference). */
  ratio?: number | null;
  ratio_basis?: string;
  target?: string;
  met?: boolean | null;
  note?: string;
}

export interface ScenarioResult {
  scenario: ScenarioName;
  engine: Engine | 'browser';
  records: number;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  measurements: Measurement[];
  /** Peak RSS of the scenario's process over its whole life (getrusage maxRSS), MB. */
  process_max_rss_mb?: number;
  seconds: number;
  details?: Record<string, unknown>;
}
