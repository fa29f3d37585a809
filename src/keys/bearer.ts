/** The token of an `Authorization: Bearer <token>` header; "" when the header is absent or another scheme. */
export function bearerToken(authorization: string | undefined): string {
  return authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : "";
}
