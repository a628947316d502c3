/// Kubernetes' CEL CIDR library (`net.cidr`, from
/// `k8s.io/apiserver/pkg/cel/library/cidr.go`): `cidr(string)`, `isCIDR(string)`,
/// `string(cidr)`, and the members `containsIP(ip|string)`, `containsCIDR(cidr|string)`,
/// `ip()`, `masked()`, `prefixLength()`. Declares the type name `net.CIDR`.
///
/// As in Kubernetes, `containsIP` with an unparsable string is a "no such overload"
/// error, while `containsCIDR` with an unparsable string reports the parse error.
public enum CIDRLibrary {
  /// The CEL type `net.CIDR`.
  public static let type = CELType.opaque("net.CIDR", [])

  /// The library.
  public static let library = CELLibrary(
    name: "net.cidr",
    functions: [
      CELFunction(
        "cidr",
        [
          CELOverload(
            "string_to_cidr", params: [.string], result: type,
            impl: .unary { v in
              guard case .string(let s) = v else { return .noSuchOverload("cidr", v) }
              do throws(CELError) {
                return .opaque(try KubernetesCIDR(parsing: s))
              } catch {
                return .error(error)
              }
            })
        ]),
      CELFunction(
        "isCIDR",
        [
          CELOverload(
            "is_cidr", params: [.string], result: .bool,
            impl: .unary { v in
              guard case .string(let s) = v else { return .noSuchOverload("isCIDR", v) }
              return .bool((try? KubernetesCIDR(parsing: s)) != nil)
            })
        ]),
      CELFunction(
        "string",
        [
          CELOverload(
            "cidr_to_string", params: [type], result: .string,
            impl: .unary { v in
              guard let c = cidr(v) else { return .noSuchOverload("string", v) }
              return .string(c.description)
            })
        ]),
      CELFunction(
        "containsIP",
        [
          CELOverload(
            "cidr_contains_ip_string", params: [type, .string], result: .bool, isInstance: true,
            impl: .binary { a, b in
              guard let c = cidr(a), case .string(let s) = b,
                let ip = try? KubernetesIP(parsing: s)
              else { return .noSuchOverload("containsIP", a, b) }
              return .bool(c.contains(ip))
            }),
          CELOverload(
            "cidr_contains_ip_ip", params: [type, IPLibrary.type], result: .bool,
            isInstance: true,
            impl: .binary { a, b in
              guard let c = cidr(a), let ip = IPLibrary.ip(b) else {
                return .noSuchOverload("containsIP", a, b)
              }
              return .bool(c.contains(ip))
            }),
        ]),
      CELFunction(
        "containsCIDR",
        [
          CELOverload(
            "cidr_contains_cidr_string", params: [type, .string], result: .bool,
            isInstance: true,
            impl: .binary { a, b in
              guard let c = cidr(a), case .string(let s) = b else {
                return .noSuchOverload("containsCIDR", a, b)
              }
              do throws(CELError) {
                return .bool(c.contains(try KubernetesCIDR(parsing: s)))
              } catch {
                return .error(error)
              }
            }),
          CELOverload(
            "cidr_contains_cidr", params: [type, type], result: .bool, isInstance: true,
            impl: .binary { a, b in
              guard let c = cidr(a), let other = cidr(b) else {
                return .noSuchOverload("containsCIDR", a, b)
              }
              return .bool(c.contains(other))
            }),
        ]),
      member("ip", "cidr_ip", IPLibrary.type) { .opaque($0.address) },
      member("prefixLength", "cidr_prefix_length", .int) { .int(Int64($0.prefixLength)) },
      member("masked", "cidr_masked", type) { .opaque($0.masked()) },
    ],
    constants: ["net.CIDR": .type(type)])

  private static func cidr(_ v: CELValue) -> KubernetesCIDR? {
    guard case .opaque(let o) = v else { return nil }
    return o as? KubernetesCIDR
  }

  private static func member(
    _ name: String, _ id: String, _ result: CELType,
    _ body: @escaping @Sendable (KubernetesCIDR) -> CELValue
  ) -> CELFunction {
    CELFunction(
      name,
      [
        CELOverload(
          id, params: [type], result: result, isInstance: true,
          impl: .unary { v in
            guard let c = cidr(v) else { return .noSuchOverload(name, v) }
            return body(c)
          })
      ])
  }
}
