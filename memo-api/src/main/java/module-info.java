/**
 * memo's user API and service provider interfaces.
 *
 * <p>Users program against {@link dev.memo.Memoizer}; backends implement the interfaces of {@code
 * dev.memo.spi} and register them with {@link java.util.ServiceLoader}.
 */
module dev.memo {
  requires static transitive org.jspecify;

  exports dev.memo;
  exports dev.memo.spi;
  exports dev.memo.spi.support;
}
