// The exercises section of the province profile: simulation exercises held in the province
// (in the period, by STARTEX) and the open improvement items of exercises there, with the
// overdue ones. Shown to whoever may read or plan exercises in the province (the command line
// sees it all); everything in it carries the EXERCISE mark.
import { registerProfileSection } from '../provinces/sections.ts';
import { formatJalali, todayIso } from '../platform/calendar.ts';
import { toPersianDigits } from '../platform/text.ts';
import { holds } from './access.ts';
import { instantInTehran } from './time.ts';

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const TYPE = {
  en: { seminar: 'seminar', workshop: 'workshop', tabletop: 'tabletop', game: 'game', drill: 'drill', functional: 'functional', full_scale: 'full-scale' },
  fa: { seminar: 'سمینار', workshop: 'کارگاه', tabletop: 'رومیزی', game: 'بازی', drill: 'مانور تک‌وظیفه‌ای', functional: 'عملیاتی', full_scale: 'تمام‌مقیاس' },
} as const;
const L = {
  en: { mark: 'EXERCISE', held: 'Simulation exercises held', open: 'Open improvement items', overdue: 'overdue', none: 'None.' },
  fa: { mark: 'تمرین', held: 'تمرین‌های شبیه‌سازی برگزارشده', open: 'موارد بهبود باز', overdue: 'عقب‌افتاده', none: 'موردی نیست.' },
};

interface Data {
  mark: 'EXERCISE';
  exercises: { code: string; title: string; type: string; startex: string; status: string }[];
  open_items: number;
  overdue_items: number;
}

registerProfileSection({
  key: 'exercises',
  title: { en: 'Simulation exercises (EXERCISE)', fa: 'تمرین‌های شبیه‌سازی' },
  order: 80,
  async load(db, { province, from, to, principal }): Promise<Data | null> {
    if (principal && !holds(principal, 'exercises.read', province) && !holds(principal, 'exercises.manage', province)) return null;
    const exercises = (
      await db.query(
        `SELECT code, title, type, startex, status FROM exercises
         WHERE province_code = $1 AND ($2::date IS NULL OR startex >= $2::date) AND ($3::date IS NULL OR startex < $3::date + 1)
         ORDER BY startex DESC`,
        [province, from, to],
      )
    ).rows.map((r: any) => ({ ...r, startex: new Date(r.startex).toISOString() }));
    const items = (
      await db.query(
        `SELECT count(*) FILTER (WHERE i.status NOT IN ('verified', 'cancelled')) AS open,
                count(*) FILTER (WHERE i.status NOT IN ('verified', 'cancelled') AND i.due_on < $2::date) AS overdue
         FROM exercise_improvement_items i JOIN exercises e ON e.id = i.exercise_id WHERE e.province_code = $1`,
        [province, todayIso()],
      )
    ).rows[0];
    if (!exercises.length && !Number(items.open)) return null;
    return { mark: 'EXERCISE', exercises, open_items: Number(items.open), overdue_items: Number(items.overdue) };
  },
  render(data, lang) {
    const d = data as Data;
    const l = L[lang];
    const n = (x: number) => (lang === 'fa' ? toPersianDigits(String(x)) : String(x));
    const day = (iso: string) => {
      const { date } = instantInTehran(new Date(iso));
      return lang === 'fa' ? formatJalali(date, { digits: 'fa' }) : date;
    };
    const list = d.exercises.length
      ? `<ul>${d.exercises.map((e) => `<li>${esc(e.title)} — ${esc((TYPE[lang] as Record<string, string>)[e.type] ?? e.type)}, ${esc(day(e.startex))}</li>`).join('')}</ul>`
      : `<p>${l.none}</p>`;
    return `<p><b>${l.mark}</b></p><h3>${l.held}</h3>${list}<p>${l.open}: ${n(d.open_items)} (${l.overdue}: ${n(d.overdue_items)})</p>`;
  },
});
