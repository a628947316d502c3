import Objects

extension CELValue {
  /// The CEL value of JSON-like data, as Kubernetes presents objects to CEL: maps with
  /// string keys, lists, int, double, string, bool and null.
  public init(_ value: Value) {
    switch value {
    case .null: self = .null
    case .bool(let b): self = .bool(b)
    case .int(let i): self = .int(i)
    case .double(let d): self = .double(d)
    case .string(let s): self = .string(s)
    case .list(let l): self = .list(l.map(CELValue.init))
    case .map(let m):
      // A ValueMap's keys are distinct strings already.
      self = .map(
        CELMap(distinctStringKeys: m.lazy.map { ($0.key, CELValue($0.value)) }, capacity: m.count))
    }
  }

  /// JSON-like data for this value, or nil when it has no JSON form (bytes become
  /// base64 strings, timestamps and durations their string forms, uint an int when
  /// it fits, optional its value or null).
  public var jsonValue: Value? {
    switch self {
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .uint(let u): return u <= UInt64(Int64.max) ? .int(Int64(u)) : .double(Double(u))
    case .double(let d): return .double(d)
    case .string(let s): return .string(s)
    case .bytes(let b): return .string(Base64.encode(b))
    case .list(let l):
      var out: [Value] = []
      for e in l {
        guard let v = e.jsonValue else { return nil }
        out.append(v)
      }
      return .list(out)
    case .map(let m):
      var out = ValueMap()
      for (k, v) in m {
        guard let jv = v.jsonValue else { return nil }
        switch k {
        case .string(let s): out[s] = jv
        default: out[k.debugText] = jv
        }
      }
      return .map(out)
    case .timestamp(let t): return .string(t.description)
    case .duration(let d): return .string(d.description)
    case .type(let t): return .string(t.runtimeName)
    case .optional(let o): return o.map { $0.jsonValue ?? .null } ?? .null
    case .opaque(let o): return .string(o.description)
    case .error: return nil
    }
  }
}

/// Standard base64 (RFC 4648) with padding.
public enum Base64 {
  static let alphabet = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  public static func encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i + 2 < bytes.count {
      let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
      for shift in [18, 12, 6, 0] { out.append(alphabet[Int(n >> UInt32(shift) & 63)]) }
      i += 3
    }
    let rest = bytes.count - i
    if rest == 1 {
      let n = UInt32(bytes[i]) << 16
      out += [alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], 61, 61]
    } else if rest == 2 {
      let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
      out += [
        alphabet[Int(n >> 18 & 63)], alphabet[Int(n >> 12 & 63)], alphabet[Int(n >> 6 & 63)], 61,
      ]
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes standard base64; padding optional; nil on invalid input.
  public static func decode(_ text: String) -> [UInt8]? {
    var values: [UInt8] = []
    for c in text.utf8 {
      switch c {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"): values.append(c - 65)
      case UInt8(ascii: "a")...UInt8(ascii: "z"): values.append(c - 71)
      case UInt8(ascii: "0")...UInt8(ascii: "9"): values.append(c + 4)
      case UInt8(ascii: "+"): values.append(62)
      case UInt8(ascii: "/"): values.append(63)
      case UInt8(ascii: "="): continue
      default: return nil
      }
    }
    if values.count % 4 == 1 { return nil }
    var out: [UInt8] = []
    var i = 0
    while i < values.count {
      let chunk = values[i..<min(i + 4, values.count)]
      var n: UInt32 = 0
      for v in chunk { n = n << 6 | UInt32(v) }
      n <<= UInt32(6 * (4 - chunk.count))
      let bytesOut = chunk.count - 1
      for k in 0..<bytesOut { out.append(UInt8(n >> UInt32(16 - 8 * k) & 0xFF)) }
      i += 4
    }
    return out
  }
}
