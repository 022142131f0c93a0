package dev.memo.store.redis;

import org.jspecify.annotations.Nullable;

/**
 * Where the Redis server is and how to sign in, read from {@code memo.store.redis.uri}.
 *
 * @param tls whether the scheme is {@code rediss}
 * @param host the host name or address
 * @param port the port
 * @param database the database number
 * @param user the user name, or null for the default user
 * @param password the password, or null; never shown
 */
record RedisAddress(
    boolean tls,
    String host,
    int port,
    int database,
    @Nullable String user,
    @Nullable String password) {
  /**
   * Returns the URI for messages: scheme, user, host, port and database, never the password.
   *
   * @return such as {@code redis://app@cache:6379/2}
   */
  String redacted() {
    return (tls ? "rediss" : "redis")
        + "://"
        + (user == null ? "" : user + "@")
        + host
        + ":"
        + port
        + "/"
        + database;
  }

  @Override
  public String toString() {
    return redacted();
  }
}
