import CEL

/// Kubernetes' CEL authorizer library (`k8s.io/apiserver/pkg/cel/library/authz.go`) over a
/// `PolicyAuthorizer`: `authorizer.group('apps').resource('deployments').namespace('ns')
/// .name('x').check('delete').allowed()`, `authorizer.path('/healthz').check('get')`,
/// `authorizer.serviceAccount(ns, name)`, `authorizer.requestResource`, and on a decision
/// `allowed()`, `reason()`, `errored()`, `error()`. Not implemented: the
/// `fieldSelector`/`labelSelector` refinements (Kubernetes 1.31+ AuthorizeWithSelectors).
public enum PolicyAuthorizerLibrary {
  /// `kubernetes.authorization.Authorizer`.
  public static let authorizerType = CELType.opaque("kubernetes.authorization.Authorizer", [])
  /// `kubernetes.authorization.PathCheck`.
  public static let pathCheckType = CELType.opaque("kubernetes.authorization.PathCheck", [])
  /// `kubernetes.authorization.GroupCheck`.
  public static let groupCheckType = CELType.opaque("kubernetes.authorization.GroupCheck", [])
  /// `kubernetes.authorization.ResourceCheck`.
  public static let resourceCheckType = CELType.opaque(
    "kubernetes.authorization.ResourceCheck", [])
  /// `kubernetes.authorization.Decision`.
  public static let decisionType = CELType.opaque("kubernetes.authorization.Decision", [])

  /// The library's functions.
  public static let library = CELLibrary(
    name: "kubernetes.authz",
    functions: [
      member("path", "authorizer_path", authorizerType, [.string], pathCheckType) { c, a in
        var n = c
        n.typeName = pathCheckType.runtimeName
        n.path = a[0]
        return .opaque(n)
      },
      member("group", "authorizer_group", authorizerType, [.string], groupCheckType) { c, a in
        var n = c
        n.typeName = groupCheckType.runtimeName
        n.group = a[0]
        return .opaque(n)
      },
      member(
        "serviceAccount", "authorizer_serviceaccount", authorizerType, [.string, .string],
        authorizerType
      ) { c, a in
        var n = c
        n.user = AdmissionUserInfo(
          username: "system:serviceaccount:\(a[0]):\(a[1])",
          groups: ["system:serviceaccounts", "system:serviceaccounts:\(a[0])"])
        return .opaque(n)
      },
      member("resource", "groupcheck_resource", groupCheckType, [.string], resourceCheckType) {
        c, a in
        var n = c
        n.typeName = resourceCheckType.runtimeName
        n.resource = a[0]
        return .opaque(n)
      },
      member(
        "subresource", "resourcecheck_subresource", resourceCheckType, [.string],
        resourceCheckType
      ) { c, a in
        var n = c
        n.subresource = a[0]
        return .opaque(n)
      },
      member(
        "namespace", "resourcecheck_namespace", resourceCheckType, [.string], resourceCheckType
      ) { c, a in
        var n = c
        n.namespace = a[0]
        return .opaque(n)
      },
      member("name", "resourcecheck_name", resourceCheckType, [.string], resourceCheckType) {
        c, a in
        var n = c
        n.name = a[0]
        return .opaque(n)
      },
      CELFunction(
        "check",
        [
          checkOverload("pathcheck_check", pathCheckType),
          checkOverload("resourcecheck_check", resourceCheckType),
        ]),
      decisionGetter("allowed", "decision_allowed", .bool) { .bool($0.kind == .allow) },
      decisionGetter("reason", "decision_reason", .string) { .string($0.reason) },
      decisionGetter("errored", "decision_errored", .bool) { .bool($0.error != nil) },
      decisionGetter("error", "decision_error", .string) { .string($0.error ?? "") },
    ])

  private static func member(
    _ name: String, _ id: String, _ receiver: CELType, _ params: [CELType], _ result: CELType,
    _ body: @escaping @Sendable (PolicyAuthorizerCheck, [String]) -> CELValue
  ) -> CELFunction {
    let impl: CELImpl
    let run: @Sendable ([CELValue]) -> CELValue = { args in
      guard case .opaque(let o) = args[0], let check = o as? PolicyAuthorizerCheck else {
        return .error(CELError.noSuchOverload(name, args.map(\.type)))
      }
      var strings: [String] = []
      for a in args.dropFirst() {
        guard case .string(let s) = a else {
          return .error(CELError.noSuchOverload(name, args.map(\.type)))
        }
        strings.append(s)
      }
      return body(check, strings)
    }
    switch params.count {
    case 1: impl = .binary { a, b in run([a, b]) }
    default: impl = .ternary { a, b, c in run([a, b, c]) }
    }
    return CELFunction(
      name,
      [CELOverload(id, params: [receiver] + params, result: result, isInstance: true, impl: impl)])
  }

  private static func checkOverload(_ id: String, _ receiver: CELType) -> CELOverload {
    CELOverload(
      id, params: [receiver, .string], result: decisionType, isInstance: true,
      impl: .binary { r, v in
        guard case .opaque(let o) = r, let check = o as? PolicyAuthorizerCheck,
          case .string(let verb) = v
        else {
          return .noSuchOverload("check", r, v)
        }
        return .opaque(check.checked(verb: verb))
      })
  }

  private static func decisionGetter(
    _ name: String, _ id: String, _ result: CELType,
    _ body: @escaping @Sendable (PolicyAuthorizationDecision) -> CELValue
  ) -> CELFunction {
    CELFunction(
      name,
      [
        CELOverload(
          id, params: [decisionType], result: result, isInstance: true,
          impl: .unary { v in
            guard case .opaque(let o) = v, let check = o as? PolicyAuthorizerCheck,
              let decision = check.decision
            else {
              return .noSuchOverload(name, v)
            }
            return body(decision)
          })
      ])
  }
}

/// The runtime value of every authorizer library type: the authorizer, the user, and the
/// check built so far (and, for a Decision, its answer).
struct PolicyAuthorizerCheck: CELOpaqueValue {
  var typeName: String
  var authorizer: any PolicyAuthorizer
  var user: AdmissionUserInfo
  var path: String?
  var group = ""
  var resource = ""
  var subresource = ""
  var namespace = ""
  var name = ""
  var decision: PolicyAuthorizationDecision?

  init(authorizer: any PolicyAuthorizer, user: AdmissionUserInfo) {
    typeName = PolicyAuthorizerLibrary.authorizerType.runtimeName
    self.authorizer = authorizer
    self.user = user
  }

  /// The check's decision for `verb`, as a Decision value.
  func checked(verb: String) -> PolicyAuthorizerCheck {
    let attributes: PolicyAuthorizationAttributes
    if let path {
      attributes = PolicyAuthorizationAttributes(
        user: user, verb: verb, isResourceRequest: false, path: path)
    } else {
      attributes = PolicyAuthorizationAttributes(
        user: user, verb: verb, isResourceRequest: true, apiGroup: group, resource: resource,
        subresource: subresource, namespace: namespace, name: name)
    }
    var out = self
    out.typeName = PolicyAuthorizerLibrary.decisionType.runtimeName
    out.decision = authorizer.decide(attributes)
    return out
  }

  func isEqual(to other: any CELOpaqueValue) -> Bool {
    guard let o = other as? PolicyAuthorizerCheck else { return false }
    return typeName == o.typeName && user == o.user && path == o.path && group == o.group
      && resource == o.resource && subresource == o.subresource && namespace == o.namespace
      && name == o.name && decision == o.decision
  }

  var description: String {
    if let decision { return "\(typeName){\(decision.kind.rawValue)}" }
    return typeName
  }
}
