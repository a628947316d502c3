/// Go's `strconv.Quote` (and `%q`), which Kubernetes' error messages use to quote input.
enum GoQuote {
  /// `s` in double quotes with Go's escapes: `\"`, `\\`, `\n`-style escapes for control
  /// characters, `\xNN` for other ASCII controls and `\uNNNN`/`\UNNNNNNNN` for
  /// non-printable non-ASCII scalars.
  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\u{07}": out += "\\a"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{0B}": out += "\\v"
      default:
        if u.value >= 0x20 && u.value < 0x7F {
          out.unicodeScalars.append(u)
        } else if u.value < 0x80 {
          out += "\\x" + hex(u.value, width: 2)
        } else if isPrint(u) {
          out.unicodeScalars.append(u)
        } else if u.value < 0x10000 {
          out += "\\u" + hex(u.value, width: 4)
        } else {
          out += "\\U" + hex(u.value, width: 8)
        }
      }
    }
    return out + "\""
  }

  /// Go's `unicode.IsPrint` for non-ASCII scalars: letters, marks, numbers, punctuation
  /// and symbols (no spaces other than U+0020, no controls or format characters).
  private static func isPrint(_ u: Unicode.Scalar) -> Bool {
    switch u.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber, .letterNumber,
      .otherNumber, .connectorPunctuation, .dashPunctuation, .openPunctuation,
      .closePunctuation, .initialPunctuation, .finalPunctuation, .otherPunctuation,
      .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
      return true
    default:
      return false
    }
  }

  private static func hex(_ v: UInt32, width: Int) -> String {
    let digits = String(v, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }
}
