import Objects
import Store

/// An authorization answer: allowed or not, with kube's reason (`RBAC: allowed by
/// ClusterRoleBinding "x" of ClusterRole "y" to User "u"`) and, for a denial, the 403
/// Forbidden kube-apiserver sends.
public struct RBACDecision: Sendable, Hashable {
  public var allowed: Bool
  /// Why it was allowed; for a denial empty, or the role references that could not be
  /// resolved (`RBAC: clusterrole.rbac.authorization.k8s.io "x" not found`).
  public var reason: String
  /// Role references that could not be resolved.
  public var evaluationErrors: [String]
  /// What was decided on.
  public var attributes: RequestAttributes

  public init(
    allowed: Bool, reason: String, evaluationErrors: [String] = [],
    attributes: RequestAttributes
  ) {
    self.allowed = allowed
    self.reason = reason
    self.evaluationErrors = evaluationErrors
    self.attributes = attributes
  }

  /// Kube's `forbiddenMessage`: `User "u" cannot delete resource "organizations" in API
  /// group "g" at the cluster scope` (or `in the namespace "ns"`), or `User "u" cannot get
  /// path "/x"`, followed by `: reason` when there is a reason.
  public var forbiddenReason: String {
    let a = attributes
    var text: String
    if !a.isResourceRequest {
      text = "User \(Self.quote(a.user.username)) cannot \(a.verb) path \(Self.quote(a.path))"
    } else {
      text =
        "User \(Self.quote(a.user.username)) cannot \(a.verb) resource "
        + "\(Self.quote(a.qualifiedResource)) in API group \(Self.quote(a.apiGroup))"
      text +=
        a.namespace.isEmpty
        ? " at the cluster scope" : " in the namespace \(Self.quote(a.namespace))"
    }
    return reason.isEmpty ? text : "\(text): \(reason)"
  }

  /// The Status message of the denial (kube's `NewForbidden`):
  /// `organizations.resourcemanager.mooring.dev "acme" is forbidden: User "u" cannot ...`,
  /// `forbidden: User "u" cannot get path "/x"`; nil when allowed.
  public var forbiddenMessage: String? {
    guard !allowed else { return nil }
    let a = attributes
    guard a.isResourceRequest, !a.resource.isEmpty || !a.apiGroup.isEmpty else {
      return "forbidden: \(forbiddenReason)"
    }
    let qualified = GroupResource(group: a.apiGroup, resource: a.resource).description
    if a.name.isEmpty { return "\(qualified) is forbidden: \(forbiddenReason)" }
    return "\(qualified) \(Self.quote(a.name)) is forbidden: \(forbiddenReason)"
  }

  /// The 403 `Forbidden` Status of the denial, details naming the group, resource and
  /// object; nil when allowed.
  public var forbiddenError: APIError? {
    guard let message = forbiddenMessage else { return nil }
    var details = ValueMap()
    let a = attributes
    if a.isResourceRequest {
      if !a.name.isEmpty { details["name"] = .string(a.name) }
      if !a.apiGroup.isEmpty { details["group"] = .string(a.apiGroup) }
      if !a.resource.isEmpty { details["kind"] = .string(a.resource) }
    }
    return APIError(code: 403, reason: "Forbidden", message: message, details: .map(details))
  }

  /// A string quoted as Go's `%q` quotes it (printable characters kept).
  static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if scalar.value < 0x20 || scalar.value == 0x7f {
          out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
