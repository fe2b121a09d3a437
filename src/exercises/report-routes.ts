// After-action report and improvement plan routes (filled in below as they are built).
import type { Api } from '../platform/http/app.ts';
import type { Database } from '../platform/db/database.ts';
import type { ExerciseAccess } from './access.ts';

export function registerReportRoutes(_api: Api, _db: Database, _access: (req: any, code: string) => Promise<ExerciseAccess>) {}
