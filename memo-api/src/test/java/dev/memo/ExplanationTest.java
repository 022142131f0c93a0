package dev.memo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExplanationTest {
  @Test
  void toString_ofAMissInEveryPart_namesEachPartInOrder() {
    Explanation e =
        Explanation.miss(
            "total",
            List.of("app.Prices.discount(int)", "jar pricing.jar"),
            List.of("static field app.Prices.RATES"),
            List.of(0, 2));
    assertEquals(
        "miss of \"total\": code differs in app.Prices.discount(int), jar pricing.jar;"
            + " environment differs in static field app.Prices.RATES; arguments differ in parameter 0,"
            + " parameter 2; compared with the most recent entry of \"total\"",
        e.toString());
    assertEquals(
        Set.of(Explanation.Part.CODE, Explanation.Part.ENVIRONMENT, Explanation.Part.ARGUMENTS),
        e.changedParts());
    assertFalse(e.isHit());
    assertTrue(e.hasEarlierEntry());
  }

  @Test
  void hitAndFirstMiss_haveNoChangedParts() {
    assertEquals("hit of \"f\"", Explanation.hit("f").toString());
    assertTrue(Explanation.hit("f").isHit());
    assertEquals(Set.of(), Explanation.firstMiss("f").changedParts());
    assertFalse(Explanation.firstMiss("f").hasEarlierEntry());
  }

  @Test
  void miss_copiesItsListsAndRefusesChangesToThem() {
    List<String> code = new ArrayList<>(List.of("app.A.f()"));
    Explanation e = Explanation.miss("f", code, List.of(), List.of());
    code.add("app.B.g()");
    assertEquals(List.of("app.A.f()"), e.changedCode());
    assertThrows(UnsupportedOperationException.class, () -> e.changedCode().add("x"));
  }

  @Test
  void equals_comparesEveryField() {
    assertEquals(Explanation.hit("f"), Explanation.hit("f"));
    assertEquals(Explanation.hit("f").hashCode(), Explanation.hit("f").hashCode());
    assertNotEquals(Explanation.hit("f"), Explanation.firstMiss("f"));
    assertNotEquals(
        Explanation.miss("f", List.of(), List.of(), List.of(1)),
        Explanation.miss("f", List.of(), List.of(), List.of(0)));
  }

  @Test
  void functionOptions_ignoreCode_isKeptByLaterChanges() {
    FunctionOptions o = FunctionOptions.named("f").ignoreCode().version("2").ignoreParameters(1);
    assertTrue(o.ignoresCode());
    assertFalse(FunctionOptions.named("f").ignoresCode());
    assertEquals(
        "FunctionOptions{name=f, version=2, ignoredParameters=[1], ignoreCode}", o.toString());
  }

  @Test
  void functionOptions_includeCode_addsEachClassOnce_andIsKeptByLaterChanges() {
    FunctionOptions o =
        FunctionOptions.named("f")
            .includeCode(String.class, Integer.class)
            .includeCode(String.class)
            .version("2")
            .tags("disk");
    assertEquals(List.of(String.class, Integer.class), o.includedCode());
    assertEquals(List.of(), FunctionOptions.named("f").includedCode());
    assertEquals(
        "FunctionOptions{name=f, version=2, ignoredParameters=[], tags=[disk],"
            + " includedCode=[java.lang.String, java.lang.Integer]}",
        o.toString());
  }
}
