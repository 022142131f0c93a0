package dev.memo.bench;

/**
 * A function that reaches 50 methods of its own class (a chain with a little arithmetic in each),
 * for the first-call cost of the code signature. Generated; do not edit by hand.
 */
final class FiftyMethods {
  private FiftyMethods() {}

  static long m0(long x) {
    return x % 2 == 0 ? m1(x * 31 + 0) : m1(x * 31 + 0) + 0;
  }

  static long m1(long x) {
    return x % 3 == 0 ? m2(x * 31 + 1) : m2(x * 31 + 1) + 1;
  }

  static long m2(long x) {
    return x % 4 == 0 ? m3(x * 31 + 2) : m3(x * 31 + 2) + 2;
  }

  static long m3(long x) {
    return x % 5 == 0 ? m4(x * 31 + 3) : m4(x * 31 + 3) + 3;
  }

  static long m4(long x) {
    return x % 6 == 0 ? m5(x * 31 + 4) : m5(x * 31 + 4) + 4;
  }

  static long m5(long x) {
    return x % 7 == 0 ? m6(x * 31 + 5) : m6(x * 31 + 5) + 5;
  }

  static long m6(long x) {
    return x % 8 == 0 ? m7(x * 31 + 6) : m7(x * 31 + 6) + 6;
  }

  static long m7(long x) {
    return x % 9 == 0 ? m8(x * 31 + 7) : m8(x * 31 + 7) + 7;
  }

  static long m8(long x) {
    return x % 10 == 0 ? m9(x * 31 + 8) : m9(x * 31 + 8) + 8;
  }

  static long m9(long x) {
    return x % 11 == 0 ? m10(x * 31 + 9) : m10(x * 31 + 9) + 9;
  }

  static long m10(long x) {
    return x % 12 == 0 ? m11(x * 31 + 10) : m11(x * 31 + 10) + 10;
  }

  static long m11(long x) {
    return x % 13 == 0 ? m12(x * 31 + 11) : m12(x * 31 + 11) + 11;
  }

  static long m12(long x) {
    return x % 14 == 0 ? m13(x * 31 + 12) : m13(x * 31 + 12) + 12;
  }

  static long m13(long x) {
    return x % 15 == 0 ? m14(x * 31 + 13) : m14(x * 31 + 13) + 13;
  }

  static long m14(long x) {
    return x % 16 == 0 ? m15(x * 31 + 14) : m15(x * 31 + 14) + 14;
  }

  static long m15(long x) {
    return x % 17 == 0 ? m16(x * 31 + 15) : m16(x * 31 + 15) + 15;
  }

  static long m16(long x) {
    return x % 18 == 0 ? m17(x * 31 + 16) : m17(x * 31 + 16) + 16;
  }

  static long m17(long x) {
    return x % 19 == 0 ? m18(x * 31 + 17) : m18(x * 31 + 17) + 17;
  }

  static long m18(long x) {
    return x % 20 == 0 ? m19(x * 31 + 18) : m19(x * 31 + 18) + 18;
  }

  static long m19(long x) {
    return x % 21 == 0 ? m20(x * 31 + 19) : m20(x * 31 + 19) + 19;
  }

  static long m20(long x) {
    return x % 22 == 0 ? m21(x * 31 + 20) : m21(x * 31 + 20) + 20;
  }

  static long m21(long x) {
    return x % 23 == 0 ? m22(x * 31 + 21) : m22(x * 31 + 21) + 21;
  }

  static long m22(long x) {
    return x % 24 == 0 ? m23(x * 31 + 22) : m23(x * 31 + 22) + 22;
  }

  static long m23(long x) {
    return x % 25 == 0 ? m24(x * 31 + 23) : m24(x * 31 + 23) + 23;
  }

  static long m24(long x) {
    return x % 26 == 0 ? m25(x * 31 + 24) : m25(x * 31 + 24) + 24;
  }

  static long m25(long x) {
    return x % 27 == 0 ? m26(x * 31 + 25) : m26(x * 31 + 25) + 25;
  }

  static long m26(long x) {
    return x % 28 == 0 ? m27(x * 31 + 26) : m27(x * 31 + 26) + 26;
  }

  static long m27(long x) {
    return x % 29 == 0 ? m28(x * 31 + 27) : m28(x * 31 + 27) + 27;
  }

  static long m28(long x) {
    return x % 30 == 0 ? m29(x * 31 + 28) : m29(x * 31 + 28) + 28;
  }

  static long m29(long x) {
    return x % 31 == 0 ? m30(x * 31 + 29) : m30(x * 31 + 29) + 29;
  }

  static long m30(long x) {
    return x % 32 == 0 ? m31(x * 31 + 30) : m31(x * 31 + 30) + 30;
  }

  static long m31(long x) {
    return x % 33 == 0 ? m32(x * 31 + 31) : m32(x * 31 + 31) + 31;
  }

  static long m32(long x) {
    return x % 34 == 0 ? m33(x * 31 + 32) : m33(x * 31 + 32) + 32;
  }

  static long m33(long x) {
    return x % 35 == 0 ? m34(x * 31 + 33) : m34(x * 31 + 33) + 33;
  }

  static long m34(long x) {
    return x % 36 == 0 ? m35(x * 31 + 34) : m35(x * 31 + 34) + 34;
  }

  static long m35(long x) {
    return x % 37 == 0 ? m36(x * 31 + 35) : m36(x * 31 + 35) + 35;
  }

  static long m36(long x) {
    return x % 38 == 0 ? m37(x * 31 + 36) : m37(x * 31 + 36) + 36;
  }

  static long m37(long x) {
    return x % 39 == 0 ? m38(x * 31 + 37) : m38(x * 31 + 37) + 37;
  }

  static long m38(long x) {
    return x % 40 == 0 ? m39(x * 31 + 38) : m39(x * 31 + 38) + 38;
  }

  static long m39(long x) {
    return x % 41 == 0 ? m40(x * 31 + 39) : m40(x * 31 + 39) + 39;
  }

  static long m40(long x) {
    return x % 42 == 0 ? m41(x * 31 + 40) : m41(x * 31 + 40) + 40;
  }

  static long m41(long x) {
    return x % 43 == 0 ? m42(x * 31 + 41) : m42(x * 31 + 41) + 41;
  }

  static long m42(long x) {
    return x % 44 == 0 ? m43(x * 31 + 42) : m43(x * 31 + 42) + 42;
  }

  static long m43(long x) {
    return x % 45 == 0 ? m44(x * 31 + 43) : m44(x * 31 + 43) + 43;
  }

  static long m44(long x) {
    return x % 46 == 0 ? m45(x * 31 + 44) : m45(x * 31 + 44) + 44;
  }

  static long m45(long x) {
    return x % 47 == 0 ? m46(x * 31 + 45) : m46(x * 31 + 45) + 45;
  }

  static long m46(long x) {
    return x % 48 == 0 ? m47(x * 31 + 46) : m47(x * 31 + 46) + 46;
  }

  static long m47(long x) {
    return x % 49 == 0 ? m48(x * 31 + 47) : m48(x * 31 + 47) + 47;
  }

  static long m48(long x) {
    return x % 50 == 0 ? m49(x * 31 + 48) : m49(x * 31 + 48) + 48;
  }

  static long m49(long x) {
    return x % 51 == 0 ? x : x + 49;
  }
}
