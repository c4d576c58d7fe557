/** The roles a person can hold at an agency node. `admin` runs the node; it does not imply the other roles. */
export const ROLES = ['operator', 'liaison_officer', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who made a request: the token's subject, this node's agency, and the known roles the token grants. */
export interface Principal {
  subject: string;
  agency: string;
  roles: Role[];
}
