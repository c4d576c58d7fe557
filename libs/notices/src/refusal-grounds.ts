/**
 * The grounds on which a requested agency may refuse to provide information: Directive (EU)
 * 2023/977, Art. 6(1), points (a)–(h). A decline names one by its code (a closed list: the
 * receiver must understand it) and explains it in free text.
 */
export const REFUSAL_GROUNDS = {
  not_available: { article: 'Art. 6(1)(a)', text: 'The information requested is not available to the single point of contact or the competent law enforcement authorities.' },
  request_not_compliant: { article: 'Art. 6(1)(b)', text: 'The request does not meet the requirements of Article 4.' },
  judicial_authorisation_refused: { article: 'Art. 6(1)(c)', text: 'The judicial authorisation required under national law (Article 9) was refused.' },
  personal_data_category: { article: 'Art. 6(1)(d)', text: 'The information is personal data outside the categories of Article 10, point (b).' },
  inaccurate_or_outdated: { article: 'Art. 6(1)(e)', text: 'The information was found inaccurate, incomplete or no longer up to date and may not be provided (Directive (EU) 2016/680, Art. 7(2)).' },
  national_security: { article: 'Art. 6(1)(f)(i)', text: 'Providing it would be contrary to or harm the essential interests of national security.' },
  investigation_or_safety: { article: 'Art. 6(1)(f)(ii)', text: 'Providing it would jeopardise an ongoing criminal investigation or the safety of an individual.' },
  legal_person_interests: { article: 'Art. 6(1)(f)(iii)', text: 'Providing it would unduly harm the important protected interests of a legal person.' },
  minor_offence: { article: 'Art. 6(1)(g)(i)', text: 'The offence is punishable by imprisonment of one year or less under the requested state\'s law.' },
  not_an_offence: { article: 'Art. 6(1)(g)(ii)', text: 'The matter is not a criminal offence under the requested state\'s law.' },
  no_consent_of_origin: { article: 'Art. 6(1)(h)', text: 'The information came from another state or a third country that has not consented to its provision.' },
} as const;

export type RefusalGround = keyof typeof REFUSAL_GROUNDS;
export const REFUSAL_GROUND_CODES = Object.keys(REFUSAL_GROUNDS) as RefusalGround[];

export function isRefusalGround(value: unknown): value is RefusalGround {
  return typeof value === 'string' && Object.hasOwn(REFUSAL_GROUNDS, value);
}
