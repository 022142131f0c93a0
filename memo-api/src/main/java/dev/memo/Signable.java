package dev.memo;

/**
 * A type that says itself what of its state a signature depends on. Implement it on argument types
 * memo does not know (plain classes that are neither records, enums, collections nor JDK value
 * types). Write every field that can change a result, and nothing else; equal values must write
 * equal content. memo prefixes the content with the class name, so two classes that write the same
 * content still sign differently.
 *
 * <pre>{@code
 * final class Grid implements Signable {
 *   private final int width;
 *   private final double[] cells;
 *   public void signTo(SignatureSink sink) {
 *     sink.putInt(width).putValue(cells);
 *   }
 * }
 * }</pre>
 */
public interface Signable {
  /**
   * Writes this object's signed content.
   *
   * @param sink where to write; valid only during this call
   */
  void signTo(SignatureSink sink);
}
