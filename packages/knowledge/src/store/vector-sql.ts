/** pgvector's text form, '[0.1,0.2,...]': the same for PGlite and `pg` (pgvector.toSql writes this too). */
export function toVectorLiteral(vector: ArrayLike<number>): string {
  return `[${Array.from(vector).join(',')}]`;
}

export function parseVectorLiteral(text: string): Float32Array {
  return Float32Array.from(JSON.parse(text) as number[]);
}
