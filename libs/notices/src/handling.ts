/**
 * Handling codes (SIENA style), enforced by software:
 *   H0 use only to prevent or combat crime;
 *   H1 not to be used in judicial proceedings without the provider's permission;
 *   H2 not to be passed on to anyone else without the provider's permission;
 *   H3 other restrictions, stated in free text.
 *
 * H3's free text cannot be interpreted by software, so every restricted use of an H3 notice
 * (passing on, judicial use) is refused unless the provider's permission is recorded.
 */
import type { Handling, HandlingCode } from './metadata';

export type HandlingDecision = { ok: true } | { ok: false; reason: string };

export interface HandlingExplanation {
  code: HandlingCode;
  title: string;
  /** One or two sentences for the console, next to the notice. */
  text: string;
}

export const HANDLING_EXPLANATIONS: Readonly<Record<HandlingCode, HandlingExplanation>> = {
  H0: {
    code: 'H0',
    title: 'Crime prevention and combat only',
    text: 'This information may be used only to prevent or combat crime.',
  },
  H1: {
    code: 'H1',
    title: 'Not for judicial proceedings',
    text: 'This information may be used only to prevent or combat crime, and must not be used in judicial proceedings without the permission of the agency that provided it.',
  },
  H2: {
    code: 'H2',
    title: 'Do not pass on',
    text: 'This information may be used only to prevent or combat crime, and must not be passed on to anyone else (another agency, country or authority) without the permission of the agency that provided it.',
  },
  H3: {
    code: 'H3',
    title: 'Other restrictions',
    text: 'The agency that provided this information has set restrictions on its use, stated below. Read them before using or passing on the information.',
  },
};

/** The explanation of a notice's handling, with the H3 restriction text appended. */
export function explainHandling(handling: Handling): string {
  const base = HANDLING_EXPLANATIONS[handling.code].text;
  return handling.code === 'H3' ? `${base} Restriction: ${handling.restriction ?? '(not stated)'}` : base;
}

export interface PermissionOptions {
  /** The provider's permission has been obtained and recorded (by whoever calls this). */
  providerPermission?: boolean;
}

/** The restricted uses: which code forbids each without permission, and how to say so. */
const RESTRICTED_USES = {
  'pass-on': { code: 'H2', rule: 'not to be passed on to anyone else', verb: 'passing on' },
  judicial: { code: 'H1', rule: 'not to be used in judicial proceedings', verb: 'judicial use' },
} as const;

function decide(use: keyof typeof RESTRICTED_USES, handling: Handling, options: PermissionOptions): HandlingDecision {
  const { code, rule, verb } = RESTRICTED_USES[use];
  if (options.providerPermission) return { ok: true };
  if (handling.code === code) return { ok: false, reason: `${code}: ${rule} without the permission of the providing agency` };
  if (handling.code === 'H3') {
    return { ok: false, reason: `H3: restricted by the providing agency ("${handling.restriction ?? ''}"); ${verb} needs its permission` };
  }
  return { ok: true };
}

/** May the receiver pass this notice's content on to another agency? Refused for H2 and H3 without permission. */
export function mayPassOn(handling: Handling, options: PermissionOptions = {}): HandlingDecision {
  return decide('pass-on', handling, options);
}

/** May the content be used in judicial proceedings? Refused for H1 and H3 without permission. */
export function mayUseInJudicialProceedings(handling: Handling, options: PermissionOptions = {}): HandlingDecision {
  return decide('judicial', handling, options);
}
