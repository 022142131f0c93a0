/**
 * The code part of a signature: normalized bytecode of a memoized function and of every method it
 * can reach in the application's own classes (including the callbacks of the classes it
 * instantiates, the class initializers of the classes it reaches, and the lambdas it captured), the
 * content hashes of the library jars and class-path resources it reaches, the Java feature version,
 * and the static fields, system properties and environment variables that reached code reads. Read
 * with ASM; not exported.
 *
 * <p>{@link dev.memo.core.code.CodeSigner} walks the code once per function and caches the result;
 * each class file is read and normalized once per JVM ({@code ClassCode}), each jar hashed once per
 * JVM ({@code Locations}). {@code CodeCache} keeps each walk in the store's folder across runs,
 * trusted only while everything the walk observed still holds.
 */
@NullMarked
package dev.memo.core.code;

import org.jspecify.annotations.NullMarked;
