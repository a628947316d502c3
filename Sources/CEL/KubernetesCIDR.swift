/// An IP prefix such as `192.168.0.0/24`, the CEL type `net.CIDR` (Go's `netip.Prefix`
/// as Kubernetes' CEL CIDR library uses it). Host bits are kept: `192.168.0.1/24` is a
/// valid CIDR whose `masked()` form is `192.168.0.0/24`.
public struct KubernetesCIDR: CELOpaqueValue, Hashable {
  /// The address as written (host bits included).
  public let address: KubernetesIP
  /// The prefix length in bits.
  public let prefixLength: Int

  public var typeName: String { "net.CIDR" }

  public init(address: KubernetesIP, prefixLength: Int) {
    self.address = address
    self.prefixLength = prefixLength
  }

  /// Parses `text` as Kubernetes does (Go's `netip.ParsePrefix`, then rejecting
  /// IPv4-mapped IPv6), with Kubernetes' error messages, including their doubled prefix.
  public init(parsing text: String) throws(CELError) {
    let outer = "network address parse error during conversion from string: "
    let cidr: KubernetesCIDR
    do {
      cidr = try Self.parsePrefix(text)
    } catch {
      throw CELError(outer + outer + error.message)
    }
    if cidr.address.isIPv4Mapped {
      throw CELError(outer + "IPv4-mapped IPv6 address \(GoQuote.quote(text)) is not allowed")
    }
    self = cidr
  }

  /// This prefix with host bits cleared.
  public func masked() -> KubernetesCIDR {
    KubernetesCIDR(address: address.masked(prefixLength), prefixLength: prefixLength)
  }

  /// Whether `ip` (of the same family) lies in this prefix.
  public func contains(_ ip: KubernetesIP) -> Bool {
    ip.isIPv4 == address.isIPv4 && ip.masked(prefixLength) == address.masked(prefixLength)
  }

  /// Kubernetes' `containsCIDR`: this prefix, masked, must equal `other`'s address
  /// (unmasked) at this prefix length, and `other` must be at least as long. So
  /// `10.0.0.0/8` contains `10.0.0.0/16` but, as in Kubernetes, not `10.1.0.0/16`.
  public func contains(_ other: KubernetesCIDR) -> Bool {
    masked() == KubernetesCIDR(address: other.address, prefixLength: prefixLength)
      && prefixLength <= other.prefixLength
  }

  // MARK: - CELOpaqueValue

  /// Equal address (host bits included) and prefix length.
  public func isEqual(to other: any CELOpaqueValue) -> Bool {
    guard let c = other as? KubernetesCIDR else { return false }
    return c == self
  }

  public var description: String { "\(address)/\(prefixLength)" }

  // MARK: - Parsing (Go's netip.ParsePrefix)

  private static func parsePrefix(_ s: String) throws(CELError) -> KubernetesCIDR {
    func failure(_ msg: String) -> CELError {
      CELError("netip.ParsePrefix(\(GoQuote.quote(s))): \(msg)")
    }
    let bytes = Array(s.utf8)
    guard let slash = bytes.lastIndex(of: UInt8(ascii: "/")) else { throw failure("no '/'") }
    let addrText = String(decoding: bytes[..<slash], as: UTF8.self)
    let parsed: (KubernetesIP, zone: Bool)
    do {
      parsed = try KubernetesIP.parseAddr(addrText)
    } catch {
      throw failure(error.message)
    }
    if parsed.zone { throw failure("IPv6 zones cannot be present in a prefix") }
    let bitsText = bytes[(slash + 1)...]
    let bitsString = String(decoding: bitsText, as: UTF8.self)
    let bad = failure("bad bits after slash: " + GoQuote.quote(bitsString))
    if bitsText.count > 1,
      let f = bitsText.first, f < UInt8(ascii: "1") || f > UInt8(ascii: "9")
    {
      throw bad
    }
    guard !bitsText.isEmpty else { throw bad }
    var bits = 0
    for b in bitsText {
      guard b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") else { throw bad }
      let (m, o1) = bits.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(Int(b - UInt8(ascii: "0")))
      if o1 || o2 { throw bad }
      bits = a
    }
    let maxBits = parsed.0.isIPv4 ? 32 : 128
    if bits > maxBits { throw failure("prefix length out of range") }
    return KubernetesCIDR(address: parsed.0, prefixLength: bits)
  }
}
