// Exercise data for the web app: answer shapes of /api/v1/exercises and the live stream.
import { useEffect, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { get } from '../../app/api.ts';

export const X = '/api/v1/exercises';
export const TYPES = ['seminar', 'workshop', 'tabletop', 'game', 'drill', 'functional', 'full_scale'] as const;
export const ROLES = ['director', 'controller', 'simulator', 'evaluator', 'observer', 'actor', 'trusted_agent', 'player'] as const;
export const POETE = ['planning', 'organization', 'equipment', 'training', 'exercises'] as const;
export const ITEM_STATUSES = ['open', 'in_progress', 'completed', 'verified', 'cancelled'] as const;

export const xKeys = {
  all: ['exercises'] as const,
  list: () => ['exercises', 'list'] as const,
  one: (code: string) => ['exercises', code] as const,
  part: (code: string, part: string) => ['exercises', code, part] as const,
  plan: (q: Record<string, string>) => ['exercises', 'plan', q] as const,
};

export interface Clock {
  state: 'not_started' | 'running' | 'paused' | 'ended';
  scenario_at: string;
  wall_at: string;
  startex: string;
}
export interface ListItem {
  code: string;
  type: string;
  title: string;
  startex: string;
  province_code: string | null;
  status: string;
  clock_state: Clock['state'];
  injects: number;
}
export interface Overview {
  mark: 'EXERCISE';
  code: string;
  type: string;
  family: 'discussion' | 'operations';
  title: string;
  description: string | null;
  startex: string;
  province_code: string | null;
  fmp_code: string | null;
  plan: { title: string | null; version: string | null };
  status: string;
  clock: Clock;
  my_role: string | null;
  my_team: string | null;
  can: { see_msel: boolean; control: boolean; evaluate: boolean; play: boolean; manage: boolean };
  agencies: { code: string; name_en: string; name_fa: string }[];
  objectives: { code: string; text: string; capability: string }[];
  targets: { id: number; code: string; objective: string | null; capability: string; description: string; threshold: string | null; time_limit_minutes: number | null; tasks: { id: number; code: string; description: string }[] }[];
  teams: { code: string; name: string; agency: string | null }[];
  personas: { code: string; name: string; description: string | null }[];
  participants: { id: number; name: string; role: string; username: string | null; agency: string | null; team: string | null; persona: string | null }[];
  meetings: { id: number; kind: string; held_on: string; notes: string | null; action_items: { id: number; text: string; owner: string | null; due_on: string | null; done: boolean }[] }[];
  inject_count: number;
}
export interface ControlInject {
  number: string;
  scheduled_at: string;
  phase: string | null;
  from: string | null;
  to: string[];
  channel: string;
  subject: string;
  content: string;
  expected_action: string | null;
  contingency: boolean;
  status: 'planned' | 'delivered' | 'acknowledged' | 'responded';
  delivered_at: string | null;
  acknowledged_at: string | null;
  responded_at: string | null;
  seconds_to_respond: number | null;
}
export interface PlayerInject {
  number: string;
  from: string | null;
  channel: string;
  subject: string;
  content: string;
  delivered_at: string;
  scenario_at: string | null;
  acknowledged_at: string | null;
}
export interface PlayView {
  clock: Clock;
  team: string;
  injects: PlayerInject[];
  log: { id: number; kind: string; text: string; at: string; scenario_at: string | null; inject: string | null }[];
}

export const useExercises = () => useQuery({ queryKey: xKeys.list(), queryFn: () => get<{ exercises: ListItem[] }>(X) });
export const useExercise = (code: string) => useQuery({ queryKey: xKeys.one(code), queryFn: () => get<Overview>(`${X}/${encodeURIComponent(code)}`) });
export const useControl = (code: string, enabled: boolean) =>
  useQuery({ queryKey: xKeys.part(code, 'control'), queryFn: () => get<{ clock: Clock; injects: ControlInject[] }>(`${X}/${encodeURIComponent(code)}/control`), enabled });
export const usePlay = (code: string, enabled: boolean) => useQuery({ queryKey: xKeys.part(code, 'play'), queryFn: () => get<PlayView>(`${X}/${encodeURIComponent(code)}/play`), enabled });
export const useEvaluation = (code: string, enabled: boolean) => useQuery({ queryKey: xKeys.part(code, 'evaluation'), queryFn: () => get<any>(`${X}/${encodeURIComponent(code)}/evaluation`), enabled });

/**
 * Follows the exercise's server-sent events and refreshes what they change; returns whether the
 * stream is connected. EventSource reconnects by itself after a dropped connection.
 */
export function useExerciseStream(code: string, enabled: boolean): boolean {
  const qc = useQueryClient();
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const es = new EventSource(`${X}/${encodeURIComponent(code)}/stream`);
    const refresh = () => void qc.invalidateQueries({ queryKey: xKeys.one(code) });
    es.addEventListener('hello', () => setConnected(true));
    for (const kind of ['inject', 'delivered', 'clock', 'acknowledged', 'log']) es.addEventListener(kind, refresh);
    es.onerror = () => setConnected(false);
    return () => es.close();
  }, [code, enabled, qc]);
  return connected;
}

/** Scenario time that keeps moving on screen while the clock runs (from the server's reading). */
export function useScenarioTime(clock: Clock | undefined): Date | null {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (clock?.state !== 'running') return;
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, [clock?.state]);
  if (!clock) return null;
  const base = Date.parse(clock.scenario_at);
  if (clock.state !== 'running') return new Date(base);
  return new Date(base + Math.max(0, now - Date.parse(clock.wall_at)));
}
