/// Kubernetes' CEL IP library (`kubernetes.net.ip`, from
/// `k8s.io/apiserver/pkg/cel/library/ip.go`): `ip(string)`, `isIP(string)`,
/// `ip.isCanonical(string)`, `string(ip)`, and the members `family()`,
/// `isUnspecified()`, `isLoopback()`, `isLinkLocalMulticast()`, `isLinkLocalUnicast()`,
/// `isGlobalUnicast()`. Declares the type name `net.IP`.
public enum IPLibrary {
  /// The CEL type `net.IP`.
  public static let type = CELType.opaque("net.IP", [])

  /// The library.
  public static let library = CELLibrary(
    name: "kubernetes.net.ip",
    functions: [
      CELFunction(
        "ip",
        [
          CELOverload(
            "string_to_ip", params: [.string], result: type,
            impl: .unary { v in
              guard case .string(let s) = v else { return .noSuchOverload("ip", v) }
              do throws(CELError) {
                return .opaque(try KubernetesIP(parsing: s))
              } catch {
                return .error(error)
              }
            })
        ]),
      CELFunction(
        "isIP",
        [
          CELOverload(
            "is_ip", params: [.string], result: .bool,
            impl: .unary { v in
              guard case .string(let s) = v else { return .noSuchOverload("isIP", v) }
              return .bool((try? KubernetesIP(parsing: s)) != nil)
            })
        ]),
      CELFunction(
        "ip.isCanonical",
        [
          CELOverload(
            "ip_is_canonical", params: [.string], result: .bool,
            impl: .unary { v in
              guard case .string(let s) = v else { return .noSuchOverload("ip.isCanonical", v) }
              do throws(CELError) {
                return .bool(try KubernetesIP(parsing: s).description == s)
              } catch {
                return .error(error)
              }
            })
        ]),
      CELFunction(
        "string",
        [
          CELOverload(
            "ip_to_string", params: [type], result: .string,
            impl: .unary { v in
              guard let ip = ip(v) else { return .noSuchOverload("string", v) }
              return .string(ip.description)
            })
        ]),
      member("family", "ip_family", .int) { .int(Int64($0.family)) },
      member("isUnspecified", "ip_is_unspecified", .bool) { .bool($0.isUnspecified) },
      member("isLoopback", "ip_is_loopback", .bool) { .bool($0.isLoopback) },
      member("isLinkLocalMulticast", "ip_is_link_local_multicast", .bool) {
        .bool($0.isLinkLocalMulticast)
      },
      member("isLinkLocalUnicast", "ip_is_link_local_unicast", .bool) {
        .bool($0.isLinkLocalUnicast)
      },
      member("isGlobalUnicast", "ip_is_global_unicast", .bool) { .bool($0.isGlobalUnicast) },
    ],
    constants: ["net.IP": .type(type)])

  static func ip(_ v: CELValue) -> KubernetesIP? {
    guard case .opaque(let o) = v else { return nil }
    return o as? KubernetesIP
  }

  private static func member(
    _ name: String, _ id: String, _ result: CELType,
    _ body: @escaping @Sendable (KubernetesIP) -> CELValue
  ) -> CELFunction {
    CELFunction(
      name,
      [
        CELOverload(
          id, params: [type], result: result, isInstance: true,
          impl: .unary { v in
            guard let ip = ip(v) else { return .noSuchOverload(name, v) }
            return body(ip)
          })
      ])
  }
}
