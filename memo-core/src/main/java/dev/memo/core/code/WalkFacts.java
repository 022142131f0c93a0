package dev.memo.core.code;

import dev.memo.core.code.Locations.Location;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one walk's result depends on besides the function's key and the configuration: every name it
 * located and where, the roots whose class hierarchy it read, and the static fields and named
 * values its code reads (turned into signed fields again when the walk is reused). Immutable.
 *
 * @param located every internal name the walk asked about, with where it was found
 * @param classHashes the content digest of each application class file the walk read, by internal
 *     name: of the bytes its items were computed from
 * @param hierarchyRoots the class directories and jars read for subtypes, each with the digest of
 *     its class files as read ({@link RootDigests}); empty if none was
 * @param staticReads each {@code {internal name of the declaring class, field name}}
 * @param readOutsideInitializers qualified names of fields read outside class initializers
 * @param written qualified names of fields assigned outside class initializers
 * @param properties system properties and environment variables read by a constant name
 */
record WalkFacts(
    Map<String, Location> located,
    Map<String, String> classHashes,
    Map<Path, String> hierarchyRoots,
    List<String[]> staticReads,
    Set<String> readOutsideInitializers,
    Set<String> written,
    List<StaticField> properties) {}
