/// Kubernetes' CEL semver library (`kubernetes.Semver`, version 1, from
/// `k8s.io/apiserver/pkg/cel/library/semverlib.go`): `semver(string[, bool])`,
/// `isSemver(string[, bool])`, and the members `major()`, `minor()`, `patch()`,
/// `isGreaterThan(semver)`, `isLessThan(semver)`, `compareTo(semver)`. The bool argument
/// enables normalization (`v1.0` becomes `1.0.0`).
public enum SemverLibrary {
  /// The CEL type `kubernetes.Semver`.
  public static let type = CELType.opaque("kubernetes.Semver", [])

  /// The library.
  public static let library = CELLibrary(
    name: "kubernetes.Semver",
    functions: [
      CELFunction(
        "semver",
        [
          CELOverload(
            "string_to_semver", params: [.string], result: type,
            impl: .unary { v in make(v, .bool(false)) }),
          CELOverload(
            "string_bool_to_semver", params: [.string, .bool], result: type,
            impl: .binary { v, n in make(v, n) }),
        ]),
      CELFunction(
        "isSemver",
        [
          CELOverload(
            "is_semver_string", params: [.string], result: .bool,
            impl: .unary { v in check(v, .bool(false)) }),
          CELOverload(
            "is_semver_string_bool", params: [.string, .bool], result: .bool,
            impl: .binary { v, n in check(v, n) }),
        ]),
      comparison("isGreaterThan", "semver_is_greater_than", .bool) { .bool($0 == 1) },
      comparison("isLessThan", "semver_is_less_than", .bool) { .bool($0 == -1) },
      comparison("compareTo", "semver_compare_to", .int) { .int(Int64($0)) },
      component("major", "semver_major") { $0.major },
      component("minor", "semver_minor") { $0.minor },
      component("patch", "semver_patch") { $0.patch },
    ],
    constants: ["kubernetes.Semver": .type(type)])

  private static func semver(_ v: CELValue) -> KubernetesSemver? {
    guard case .opaque(let o) = v else { return nil }
    return o as? KubernetesSemver
  }

  private static func make(_ v: CELValue, _ n: CELValue) -> CELValue {
    guard case .string(let s) = v, case .bool(let normalize) = n else {
      return .noSuchOverload("semver", v, n)
    }
    do throws(CELError) {
      return .opaque(try KubernetesSemver(parsing: s, normalize: normalize))
    } catch {
      return .error(error)
    }
  }

  private static func check(_ v: CELValue, _ n: CELValue) -> CELValue {
    guard case .string(let s) = v, case .bool(let normalize) = n else {
      return .noSuchOverload("isSemver", v, n)
    }
    return .bool((try? KubernetesSemver(parsing: s, normalize: normalize)) != nil)
  }

  private static func comparison(
    _ name: String, _ id: String, _ result: CELType,
    _ make: @escaping @Sendable (Int) -> CELValue
  ) -> CELFunction {
    CELFunction(
      name,
      [
        CELOverload(
          id, params: [type, type], result: result, isInstance: true,
          impl: .binary { a, b in
            guard let x = semver(a), let y = semver(b) else { return .noSuchOverload(name, a, b) }
            return make(x.compare(y))
          })
      ])
  }

  /// A version number as CEL int (Kubernetes converts the uint64 with wrap-around).
  private static func component(
    _ name: String, _ id: String, _ get: @escaping @Sendable (KubernetesSemver) -> UInt64
  ) -> CELFunction {
    CELFunction(
      name,
      [
        CELOverload(
          id, params: [type], result: .int, isInstance: true,
          impl: .unary { v in
            guard let s = semver(v) else { return .noSuchOverload(name, v) }
            return .int(Int64(truncatingIfNeeded: get(s)))
          })
      ])
  }
}
