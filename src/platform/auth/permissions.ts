// The permission verbs of Marz, and the built-in roles made of them. A capability lists its
// verbs here so that roles, the admin pages and the OpenAPI description know them all.
export const PERMISSIONS = {
  'users.manage': 'Create and change users and their roles',
  'roles.manage': 'Create and change roles',
  'agencies.manage': 'Create and change agencies',
  'audit.read': 'Read the audit trail',
  'places.manage': 'Correct places and manage flow monitoring points',
  'flows.read': 'Read flow monitoring data and dashboards',
  'flows.submit': 'Submit flow monitoring records and interviews',
  'flows.review': 'Review, correct, approve and reject flow monitoring records',
  'flows.import': 'Import flow monitoring files',
  'flows.export': 'Export flow monitoring data',
  'flows.manage': 'Configure flow monitoring (FMP thresholds, survey questions, mappings)',
  'governance.read': 'Read governance assessments',
  'governance.edit': 'Answer and edit governance assessments',
  'governance.signoff': 'Sign off or object to an assessment for one\'s agency',
  'governance.approve': 'Approve and publish assessments for the government',
  'governance.manage': 'Manage frameworks and coordination structures',
  'protection.screen': 'Screen people at a point of entry and open protection cases (own agency, own provinces)',
  'protection.read': 'Read protection cases of one\'s agency or referred to it (non-identifying fields)',
  'protection.identity': 'Read identity, exploitation detail and perpetrator fields of protection cases one may read',
  'protection.edit': 'Change protection cases of one\'s agency: status, consent, follow-up, closure',
  'protection.refer': 'Refer or transfer protection cases, and answer referrals addressed to one\'s agency',
  'protection.consent_override': 'Refer a protection case without consent, with a recorded reason (audited and notified)',
  'protection.break_glass': 'Open a protection case outside one\'s normal access in an emergency, with a reason (alerts the data protection focal point)',
  'protection.stats': 'Read protection statistics (consenting cases only, small cells suppressed)',
  'protection.import': 'Import protection case lists for one\'s agency',
  'protection.oversee': 'Data protection oversight: alerts, data-subject reports, retention and legal hold',
  'exercises.read': 'List simulation exercises and read the improvement plan (within one\'s provinces); an exercise\'s scenario needs a role in it',
  'exercises.manage': 'Design and control simulation exercises (within one\'s provinces): MSEL, people, clock, report, improvement plan',
  'capacity.read': 'Read trainings and their participants (personal data, within one\'s provinces and agencies)',
  'capacity.manage': 'Create trainings, import attendance sheets, record tests, evaluations and certificates',
  'provinces.read': 'Read province profiles, provincial needs and internal mobility',
  'provinces.manage': 'Edit provincial needs assessments and internal mobility figures',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export const BUILTIN_ROLES: { code: string; name_en: string; name_fa: string; permissions: Permission[]; clearance: string }[] = [
  { code: 'admin', name_en: 'Administrator', name_fa: 'مدیر سامانه', permissions: ALL_PERMISSIONS, clearance: 'confidential' },
  {
    code: 'data_officer',
    name_en: 'Data officer',
    name_fa: 'کارشناس داده',
    permissions: ['flows.read', 'flows.submit', 'flows.review', 'flows.import', 'flows.export', 'flows.manage', 'places.manage'],
    clearance: 'restricted',
  },
  { code: 'enumerator', name_en: 'Enumerator', name_fa: 'آمارگر', permissions: ['flows.submit'], clearance: 'internal' },
  {
    code: 'focal_point',
    name_en: 'Government focal point',
    name_fa: 'رابط دولتی',
    permissions: ['flows.read', 'flows.export', 'governance.read', 'governance.edit', 'governance.signoff'],
    clearance: 'internal',
  },
  { code: 'viewer', name_en: 'Viewer', name_fa: 'بیننده', permissions: ['flows.read', 'governance.read', 'provinces.read'], clearance: 'internal' },
  { code: 'capacity_officer', name_en: 'Capacity and provinces officer', name_fa: 'کارشناس ظرفیت‌سازی و استان‌ها', permissions: ['capacity.read', 'capacity.manage', 'provinces.read', 'provinces.manage'], clearance: 'restricted' },
  {
    code: 'protection_case_worker',
    name_en: 'Protection case worker',
    name_fa: 'مددکار حمایت',
    permissions: ['protection.screen', 'protection.read', 'protection.identity', 'protection.edit', 'protection.refer', 'protection.break_glass', 'protection.stats', 'protection.import'],
    clearance: 'confidential',
  },
  {
    code: 'data_protection_focal_point',
    name_en: 'Data protection focal point',
    name_fa: 'رابط حفاظت از داده‌ها',
    permissions: ['protection.read', 'protection.oversee', 'protection.consent_override', 'protection.stats'],
    clearance: 'confidential',
  },
  { code: 'exercise_planner', name_en: 'Simulation exercise planner', name_fa: 'برنامه‌ریز تمرین شبیه‌سازی', permissions: ['exercises.read', 'exercises.manage', 'flows.read'], clearance: 'internal' },
];

export const BUILTIN_AGENCIES = [
  { code: 'moi', name_en: 'Ministry of Interior', name_fa: 'وزارت کشور', kind: 'ministry' },
  { code: 'bafia', name_en: 'Bureau for Aliens and Foreign Immigrants\' Affairs', name_fa: 'اداره کل امور اتباع و مهاجرین خارجی', kind: 'government' },
  { code: 'border-guard', name_en: 'Border Guard Command', name_fa: 'فرماندهی مرزبانی', kind: 'security' },
  { code: 'passport-police', name_en: 'Immigration and Passport Police', name_fa: 'پلیس مهاجرت و گذرنامه', kind: 'security' },
  { code: 'mfa', name_en: 'Ministry of Foreign Affairs', name_fa: 'وزارت امور خارجه', kind: 'ministry' },
  { code: 'moh', name_en: 'Ministry of Health and Medical Education', name_fa: 'وزارت بهداشت، درمان و آموزش پزشکی', kind: 'ministry' },
  { code: 'mcls', name_en: 'Ministry of Cooperatives, Labour and Social Welfare', name_fa: 'وزارت تعاون، کار و رفاه اجتماعی', kind: 'ministry' },
  { code: 'ircs', name_en: 'Iranian Red Crescent Society', name_fa: 'جمعیت هلال احمر', kind: 'red_crescent' },
  { code: 'iom', name_en: 'International Organization for Migration', name_fa: 'سازمان بین‌المللی مهاجرت', kind: 'un' },
  { code: 'unhcr', name_en: 'UNHCR', name_fa: 'کمیساریای عالی سازمان ملل برای پناهندگان', kind: 'un' },
];
