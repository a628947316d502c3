/// One reason a request is refused: a policy's denial (worded as kube-apiserver words it,
/// `ValidatingAdmissionPolicy 'p' with binding 'b' denied request: ...`) or a schema error.
public struct AdmissionDenial: Sendable, Hashable {
  /// The policy that denied; nil for a schema error.
  public var policy: String?
  /// The binding; nil for a schema error or a policy configuration error.
  public var binding: String?
  /// The full message.
  public var message: String
  /// The HTTP status reason (`Invalid`, `Forbidden`, `Unauthorized`, ...).
  public var reason: String
  /// The HTTP status code for `reason`.
  public var code: Int

  public init(policy: String?, binding: String?, message: String, reason: String = "Invalid") {
    self.policy = policy
    self.binding = binding
    self.message = message
    self.reason = reason
    self.code = Self.code(for: reason)
  }

  /// kube-apiserver's `reasonToCode`.
  public static func code(for reason: String) -> Int {
    switch reason {
    case "Forbidden": return 403
    case "Unauthorized": return 401
    case "RequestEntityTooLarge": return 413
    case "Invalid": return 422
    default: return 400
    }
  }
}
