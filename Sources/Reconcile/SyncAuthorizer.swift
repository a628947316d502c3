import Admission
import Store

/// Decides whether a Sync's identity may make a write, as the API server's authorizer
/// (RBAC) would decide the same request: a tenant Sync without a binding can write nothing.
public protocol SyncAuthorizer: Sendable {
  /// Nil when `user` may `verb` (create, update, delete) the object; otherwise kube's
  /// Forbidden message.
  func denial(
    user: AdmissionUserInfo, verb: String, type: ResourceType, namespace: String?, name: String
  ) async -> String?
}
