/**
 * Compile-time proof that a documented schema's type and the type the code returns are one and
 * the same (each assignable to the other), for answers whose type is owned elsewhere (the
 * engine, another feature): `export type X = AssertSame<z.infer<typeof xSchema>, X>`.
 */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type AssertSame<A, B> = Same<A, B> extends true ? true : never;
export type Assert<T extends true> = T;
