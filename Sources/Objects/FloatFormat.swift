/// Float formatting that matches Go's, so output reads the way Kubernetes tools print it.
public enum FloatFormat {
  /// Go's `strconv.FormatFloat(d, 'g', -1, 64)`: shortest digits, exponent form when the
  /// decimal exponent is below -4 or at least 6 (`1e+06`, `0.5`, `1.5e-05`).
  public static func goShortestG(_ d: Double) -> String {
    format(d, exponentBelow: -4, exponentFrom: 6, jsonExponent: false)
  }

  /// Go's encoding/json form: plain digits unless the magnitude is below 1e-6 or at
  /// least 1e21 (`1e+21`, `1e-7`).
  public static func goJSON(_ d: Double) -> String {
    format(d, exponentBelow: -6, exponentFrom: 21, jsonExponent: true)
  }

  static func format(_ d: Double, exponentBelow: Int, exponentFrom: Int, jsonExponent: Bool)
    -> String
  {
    if d.isNaN { return "NaN" }
    if d.isInfinite { return d > 0 ? "+Inf" : "-Inf" }
    var s = d.description
    var negative = false
    if s.hasPrefix("-") {
      negative = true
      s.removeFirst()
    }
    var mantissa = Substring(s)
    var exp10 = 0
    if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
      mantissa = s[..<e]
      exp10 = Int(s[s.index(after: e)...]) ?? 0
    }
    let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
    let intPart = parts.first.map(String.init) ?? "0"
    let frac = parts.count > 1 ? String(parts[1]) : ""
    var digits = Array((intPart + frac).utf8)
    var dp = intPart.utf8.count + exp10
    while digits.count > 1, digits.first == UInt8(ascii: "0") {
      digits.removeFirst()
      dp -= 1
    }
    while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
    let sign = negative ? "-" : ""
    if digits == [UInt8(ascii: "0")] { return sign + "0" }
    let x = dp - 1
    if x < exponentBelow || x >= exponentFrom {
      var out = String(decoding: digits[0..<1], as: UTF8.self)
      if digits.count > 1 { out += "." + String(decoding: digits[1...], as: UTF8.self) }
      let e = abs(x)
      let eDigits = (!jsonExponent && e < 10) ? "0\(e)" : "\(e)"
      return sign + out + "e" + (x < 0 ? "-" : "+") + eDigits
    }
    let str = String(decoding: digits, as: UTF8.self)
    if dp <= 0 { return sign + "0." + String(repeating: "0", count: -dp) + str }
    if dp >= digits.count { return sign + str + String(repeating: "0", count: dp - digits.count) }
    let cut = str.index(str.startIndex, offsetBy: dp)
    return sign + str[..<cut] + "." + str[cut...]
  }
}
