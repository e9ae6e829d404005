/** The lab catalogue (the client's; the module trusts the XP a lab reports, as the seed's design does). */
export type Lab = { id: string; module: number; title: string; xp: number };

export const LABS: Lab[] = [
  { id: 'nav-1', module: 1, title: 'Where am I? pwd, ls, cd', xp: 100 },
  { id: 'nav-2', module: 1, title: 'Files: touch, cp, mv, rm', xp: 150 },
  { id: 'text-1', module: 2, title: 'Reading files: cat, less, head, tail', xp: 200 },
  { id: 'text-2', module: 2, title: 'Searching: grep and pipes', xp: 250 },
  { id: 'perm-1', module: 3, title: 'Permissions: chmod and chown', xp: 300 },
];
