/// Ready-made environments: exactly what Kubernetes enables for admission policies and
/// CRD validation rules, or every library Mooring has.
extension CELEnvironment {
  /// The CEL standard library (with `matches`) and the internal helpers macros expand
  /// to (`cel.@mapInsert`).
  public static func standard() -> CELEnvironment {
    var env = CELEnvironment()
    env.add(StandardLibrary.library)
    env.add(CELLibrary.regex)
    env.add(CELLibrary.comprehensionHelpers)
    return env
  }

  /// The libraries Kubernetes' base environment enables (k8s.io/apiserver
  /// pkg/cel/environment, compatibility version 1.33): strings, sets, optionals, two-
  /// variable comprehensions, and Kubernetes' lists, regex, URL, quantity, IP, CIDR,
  /// named formats and semver. Not math, encoders or cel-go's list extensions, as in
  /// Kubernetes. Use with `CELCheckerOptions(homogeneousAggregateLiterals: true)`.
  public static func kubernetes() -> CELEnvironment {
    var env = standard()
    for lib in [
      CELLibrary.strings, .sets, .optionals, .kubernetesLists, URLLibrary.library,
      QuantityLibrary.library, IPLibrary.library, CIDRLibrary.library, FormatLibrary.library,
      SemverLibrary.library,
    ] {
      env.add(lib)
    }
    return env
  }

  /// Every library: Kubernetes' set plus cel-go's math, encoders and list extensions.
  public static func all() -> CELEnvironment {
    var env = kubernetes()
    for lib in [CELLibrary.math, .encoders, .lists] { env.add(lib) }
    return env
  }
}

extension CELLibrary {
  /// Declarations of the functions macro expansions call and the evaluator implements
  /// itself, so the checker knows their types.
  public static let comprehensionHelpers = CELLibrary(
    name: "cel.lib.comprehensions",
    functions: [
      CELFunction(
        "cel.@mapInsert",
        [
          CELOverload(
            "cel_@mapInsert_map_key_value",
            params: [.map(.typeParam("K"), .typeParam("V")), .typeParam("K"), .typeParam("V")],
            result: .map(.typeParam("K"), .typeParam("V")), typeParams: ["K", "V"], impl: nil),
          CELOverload(
            "cel_@mapInsert_map_map",
            params: [
              .map(.typeParam("K"), .typeParam("V")), .map(.typeParam("K"), .typeParam("V")),
            ],
            result: .map(.typeParam("K"), .typeParam("V")), typeParams: ["K", "V"], impl: nil),
        ])
    ])
}
