/// Kubernetes' CEL format library (`format`, from
/// `k8s.io/apiserver/pkg/cel/library/format.go`): `format.named(string)` returning an
/// optional format, zero-argument `format.dns1123Label()` and friends, and
/// `<format>.validate(string)` returning `optional.none()` when valid or else an optional
/// list of Kubernetes' messages.
public enum FormatLibrary {
  /// The CEL type `kubernetes.NamedFormat`.
  public static let type = CELType.opaque("kubernetes.NamedFormat", [])

  /// The library.
  public static let library: CELLibrary = {
    var functions = [
      CELFunction(
        "validate",
        [
          CELOverload(
            "format-validate", params: [type, .string], result: .optional(.list(.string)),
            isInstance: true,
            impl: .binary { f, v in
              guard case .opaque(let o) = f, let format = o as? KubernetesNamedFormat,
                case .string(let s) = v
              else { return .noSuchOverload("validate", f, v) }
              let messages = format.validate(s)
              if messages.isEmpty { return .optional(nil) }
              return .optional(.list(messages.map { .string($0) }))
            })
        ]),
      CELFunction(
        "format.named",
        [
          CELOverload(
            "format-named", params: [.string], result: .optional(type),
            impl: .unary { v in
              guard case .string(let name) = v else { return .noSuchOverload("format.named", v) }
              return .optional(KubernetesNamedFormat.all[name].map { .opaque($0) })
            })
        ]),
    ]
    for (name, format) in KubernetesNamedFormat.all.sorted(by: { $0.key < $1.key }) {
      let value = CELValue.opaque(format)
      functions.append(
        CELFunction(
          "format." + name,
          [
            CELOverload(
              "format." + name, params: [], result: type, impl: .variadic { _ in value })
          ]))
    }
    return CELLibrary(
      name: "format", functions: functions,
      constants: ["kubernetes.NamedFormat": .type(type)])
  }()
}
