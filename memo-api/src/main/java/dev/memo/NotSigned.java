package dev.memo;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a static field whose value cannot change the result of any function that reads it, so that
 * memo leaves it out of the environment signature: a counter, a cache, a metrics registry, a
 * connection pool.
 *
 * <p>memo signs the value of every static field that the reached code of a memoized function reads,
 * at every call; a value it cannot sign is an error when the function is wrapped. Fields of a
 * logger type ({@code System.Logger}, {@code java.util.logging.Logger}, SLF4J, Log4j 2 and Commons
 * Logging loggers) are skipped without this annotation. For fields in code you cannot annotate,
 * list them in the configuration key {@code memo.code.ignore-fields} ({@link
 * MemoConfig#CODE_IGNORE_FIELDS}).
 *
 * <pre>{@code
 * @NotSigned static final AtomicLong CALLS = new AtomicLong();
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface NotSigned {}
