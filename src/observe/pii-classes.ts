import type { PiiType } from "../guard/pii/entity.js";

/**
 * The PII scanner's classes split by what a leak costs. High-risk classes are the structured,
 * checksum-validated identifiers (a card number, a bank account, a national id): they are masked
 * at rest under every policy but `keep`. The others may be kept per policy (`keep_types`).
 */
export const HIGH_RISK_PII = ["CREDIT_CARD", "IBAN", "US_SSN", "UK_NINO", "CA_SIN", "ES_DNI"] as const satisfies readonly PiiType[];
export const SOFT_PII = ["EMAIL", "PHONE", "PERSON", "STREET_ADDRESS", "IP_ADDRESS", "DATE_OF_BIRTH"] as const satisfies readonly PiiType[];

/** The placeholder label of a class: `[PII:credit_card]`. */
export function piiLabel(type: PiiType): string {
  return type.toLowerCase();
}
