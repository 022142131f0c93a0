/**
 * What every store on a file system needs, so that stores share it instead of copying it: a
 * namespace's folder-safe name, binary form, digest and name file ({@link
 * dev.memo.spi.support.Namespaces}), and the quarantine of broken entries with their reasons
 * ({@link dev.memo.spi.support.Quarantine}), and the root folder option ({@link
 * dev.memo.spi.support.StoreFolders}). Exported for backends outside memo.
 */
@NullMarked
package dev.memo.spi.support;

import org.jspecify.annotations.NullMarked;
