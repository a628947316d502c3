/// An IP address, the CEL type `net.IP` (Go's `netip.Addr` as Kubernetes' CEL IP library
/// uses it: no zones, no IPv4-mapped IPv6 addresses).
public struct KubernetesIP: CELOpaqueValue, Hashable {
  /// True for IPv4 (whose 32 bits are the low bits of `low`).
  public let isIPv4: Bool
  /// The high 64 bits of an IPv6 address (0 for IPv4).
  public let high: UInt64
  /// The low 64 bits of an IPv6 address, or the IPv4 address.
  public let low: UInt64

  public var typeName: String { "net.IP" }

  /// An IPv4 address from its 32 bits.
  public init(ipv4 bits: UInt32) {
    isIPv4 = true
    high = 0
    low = UInt64(bits)
  }

  /// An IPv6 address from its 128 bits.
  public init(ipv6High high: UInt64, low: UInt64) {
    isIPv4 = false
    self.high = high
    self.low = low
  }

  /// Parses `text` as Kubernetes does (Go's `netip.ParseAddr`, then rejecting zones and
  /// IPv4-mapped IPv6), with Kubernetes' error messages.
  public init(parsing text: String) throws(CELError) {
    let parsed: (KubernetesIP, zone: Bool)
    do {
      parsed = try Self.parseAddr(text)
    } catch {
      throw CELError(
        "IP Address \(GoQuote.quote(text)) parse error during conversion from string: "
          + error.message)
    }
    if parsed.zone {
      throw CELError("IP address \(GoQuote.quote(text)) with zone value is not allowed")
    }
    if parsed.0.isIPv4Mapped {
      throw CELError("IPv4-mapped IPv6 address \(GoQuote.quote(text)) is not allowed")
    }
    self = parsed.0
  }

  // MARK: - Properties

  /// 4 or 6.
  public var family: Int { isIPv4 ? 4 : 6 }

  /// `::ffff:a.b.c.d`.
  var isIPv4Mapped: Bool { !isIPv4 && high == 0 && low >> 32 == 0xFFFF }

  /// The IPv4 address bits (meaningful only for IPv4).
  var ipv4Bits: UInt32 { UInt32(truncatingIfNeeded: low) }

  /// `0.0.0.0` or `::`.
  public var isUnspecified: Bool { high == 0 && low == 0 }

  /// `127.0.0.0/8` or `::1`.
  public var isLoopback: Bool {
    isIPv4 ? ipv4Bits >> 24 == 127 : (high == 0 && low == 1)
  }

  /// `224.0.0.0/4` or `ff00::/8`.
  public var isMulticast: Bool {
    isIPv4 ? ipv4Bits >> 28 == 0xE : high >> 56 == 0xFF
  }

  /// `224.0.0.0/24` or `ff02::/16`.
  public var isLinkLocalMulticast: Bool {
    isIPv4 ? ipv4Bits >> 8 == 0xE00000 : high >> 48 == 0xFF02
  }

  /// `169.254.0.0/16` or `fe80::/10`.
  public var isLinkLocalUnicast: Bool {
    isIPv4 ? ipv4Bits >> 16 == 0xA9FE : high >> 54 == 0xFE80 >> 6
  }

  /// Go's `IsGlobalUnicast`: not unspecified, broadcast, loopback, multicast or
  /// link-local unicast (private and ULA addresses count as global).
  public var isGlobalUnicast: Bool {
    if isIPv4 && ipv4Bits == 0xFFFF_FFFF { return false }
    return !isUnspecified && !isLoopback && !isMulticast && !isLinkLocalUnicast
  }

  /// The address with all bits after the first `bits` cleared.
  func masked(_ bits: Int) -> KubernetesIP {
    if isIPv4 {
      let mask: UInt32 = bits <= 0 ? 0 : ~UInt32(0) << UInt32(32 - min(bits, 32))
      return KubernetesIP(ipv4: ipv4Bits & mask)
    }
    let hiMask: UInt64 = bits <= 0 ? 0 : (bits >= 64 ? ~0 : ~UInt64(0) << UInt64(64 - bits))
    let loMask: UInt64 = bits <= 64 ? 0 : (bits >= 128 ? ~0 : ~UInt64(0) << UInt64(128 - bits))
    return KubernetesIP(ipv6High: high & hiMask, low: low & loMask)
  }

  // MARK: - CELOpaqueValue

  public func isEqual(to other: any CELOpaqueValue) -> Bool {
    guard let ip = other as? KubernetesIP else { return false }
    return ip == self
  }

  /// The canonical form: dotted decimal, or RFC 5952 IPv6 (lower case, no leading
  /// zeros, the first longest run of two or more zero groups as `::`).
  public var description: String {
    if isIPv4 {
      let b = ipv4Bits
      return "\(b >> 24).\(b >> 16 & 0xFF).\(b >> 8 & 0xFF).\(b & 0xFF)"
    }
    var groups = [UInt16](repeating: 0, count: 8)
    for i in 0..<4 {
      groups[i] = UInt16(truncatingIfNeeded: high >> UInt64(48 - 16 * i))
      groups[i + 4] = UInt16(truncatingIfNeeded: low >> UInt64(48 - 16 * i))
    }
    var zeroStart = -1
    var zeroLength = 1
    var i = 0
    while i < 8 {
      var j = i
      while j < 8 && groups[j] == 0 { j += 1 }
      if j - i > zeroLength {
        zeroStart = i
        zeroLength = j - i
      }
      i = j == i ? i + 1 : j
    }
    var out = ""
    i = 0
    while i < 8 {
      if i == zeroStart {
        out += "::"
        i += zeroLength
        continue
      }
      if i > 0 && i != zeroStart + zeroLength { out += ":" }
      out += String(groups[i], radix: 16)
      i += 1
    }
    return out
  }

  // MARK: - Parsing (Go's netip.ParseAddr)

  /// Parses an address; `zone` is true when an IPv6 zone was given.
  static func parseAddr(_ s: String) throws(CELError) -> (KubernetesIP, zone: Bool) {
    let bytes = Array(s.utf8)
    for b in bytes {
      switch b {
      case UInt8(ascii: "."):
        return (KubernetesIP(ipv4: try parseIPv4(bytes, 0, bytes.count, input: s)), false)
      case UInt8(ascii: ":"):
        return try parseIPv6(bytes, input: s)
      case UInt8(ascii: "%"):
        throw addrError(s, "missing IPv6 address")
      default:
        continue
      }
    }
    throw addrError(s, "unable to parse IP")
  }

  private static func addrError(_ input: String, _ msg: String, at: ArraySlice<UInt8>? = nil)
    -> CELError
  {
    var text = "ParseAddr(\(GoQuote.quote(input))): \(msg)"
    if let at, !at.isEmpty {
      text += " (at \(GoQuote.quote(String(decoding: at, as: UTF8.self))))"
    }
    return CELError(text)
  }

  /// Go's `parseIPv4Fields` over `s[start..<end]`.
  private static func parseIPv4(_ s: [UInt8], _ start: Int, _ end: Int, input: String)
    throws(CELError) -> UInt32
  {
    var fields: UInt32 = 0
    var val = 0
    var pos = 0
    var digits = 0
    var i = start
    while i < end {
      let c = s[i]
      if c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") {
        if digits == 1 && val == 0 {
          throw addrError(input, "IPv4 field has octet with leading zero")
        }
        val = val * 10 + Int(c - UInt8(ascii: "0"))
        digits += 1
        if val > 255 { throw addrError(input, "IPv4 field has value >255") }
      } else if c == UInt8(ascii: ".") {
        if i == start || i == end - 1 || s[i - 1] == UInt8(ascii: ".") {
          throw addrError(input, "IPv4 field must have at least one digit", at: s[i..<end])
        }
        if pos == 3 { throw addrError(input, "IPv4 address too long") }
        fields = fields << 8 | UInt32(val)
        pos += 1
        val = 0
        digits = 0
      } else {
        throw addrError(input, "unexpected character", at: s[i..<end])
      }
      i += 1
    }
    if pos < 3 { throw addrError(input, "IPv4 address too short") }
    return fields << 8 | UInt32(val)
  }

  private static func hexValue(_ c: UInt8) -> UInt32? {
    switch c {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0"))
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(c - UInt8(ascii: "a") + 10)
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(c - UInt8(ascii: "A") + 10)
    default: return nil
    }
  }

  /// Go's `parseIPv6`.
  private static func parseIPv6(_ all: [UInt8], input: String) throws(CELError)
    -> (KubernetesIP, zone: Bool)
  {
    var end = all.count
    var zone = false
    if let p = all.firstIndex(of: UInt8(ascii: "%")) {
      if p == all.count - 1 { throw addrError(input, "zone must be a non-empty string") }
      end = p
      zone = true
    }
    var ip = [UInt8](repeating: 0, count: 16)
    var ellipsis = -1
    var s = 0  // start of the unparsed rest, s..<end
    if end - s >= 2 && all[s] == UInt8(ascii: ":") && all[s + 1] == UInt8(ascii: ":") {
      ellipsis = 0
      s += 2
      if s == end { return (KubernetesIP(ipv6High: 0, low: 0), zone) }
    }
    var i = 0
    while i < 16 {
      var off = 0
      var acc: UInt32 = 0
      while s + off < end, let h = hexValue(all[s + off]) {
        acc = acc << 4 + h
        if acc > 0xFFFF {
          throw addrError(input, "IPv6 field has value >=2^16", at: all[s..<end])
        }
        off += 1
      }
      if off == 0 {
        throw addrError(
          input, "each colon-separated field must have at least one digit", at: all[s..<end])
      }
      if s + off < end && all[s + off] == UInt8(ascii: ".") {
        if ellipsis < 0 && i != 12 {
          throw addrError(
            input, "embedded IPv4 address must replace the final 2 fields of the address",
            at: all[s..<end])
        }
        if i + 4 > 16 {
          throw addrError(
            input, "too many hex fields to fit an embedded IPv4 at the end of the address",
            at: all[s..<end])
        }
        let v4 = try parseIPv4(all, s, end, input: input)
        ip[i] = UInt8(v4 >> 24)
        ip[i + 1] = UInt8(v4 >> 16 & 0xFF)
        ip[i + 2] = UInt8(v4 >> 8 & 0xFF)
        ip[i + 3] = UInt8(v4 & 0xFF)
        s = end
        i += 4
        break
      }
      ip[i] = UInt8(acc >> 8)
      ip[i + 1] = UInt8(acc & 0xFF)
      i += 2
      s += off
      if s == end { break }
      if all[s] != UInt8(ascii: ":") {
        throw addrError(input, "unexpected character, want colon", at: all[s..<end])
      } else if s + 1 == end {
        throw addrError(input, "colon must be followed by more characters", at: all[s..<end])
      }
      s += 1
      if all[s] == UInt8(ascii: ":") {
        if ellipsis >= 0 { throw addrError(input, "multiple :: in address", at: all[s..<end]) }
        ellipsis = i
        s += 1
        if s == end { break }
      }
    }
    if s != end {
      throw addrError(input, "trailing garbage after address", at: all[s..<end])
    }
    if i < 16 {
      if ellipsis < 0 { throw addrError(input, "address string too short") }
      let n = 16 - i
      var j = i - 1
      while j >= ellipsis {
        ip[j + n] = ip[j]
        j -= 1
      }
      j = ellipsis + n - 1
      while j >= ellipsis {
        ip[j] = 0
        j -= 1
      }
    } else if ellipsis >= 0 {
      throw addrError(input, "the :: must expand to at least one field of zeros")
    }
    var hi: UInt64 = 0
    var lo: UInt64 = 0
    for k in 0..<8 { hi = hi << 8 | UInt64(ip[k]) }
    for k in 8..<16 { lo = lo << 8 | UInt64(ip[k]) }
    return (KubernetesIP(ipv6High: hi, low: lo), zone)
  }
}
