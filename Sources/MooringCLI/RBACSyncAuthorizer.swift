import APIServer
import Admission
import Reconcile
import Store

/// The sync engine's writes authorized by the API's RBAC, as the Sync's identity.
struct RBACSyncAuthorizer: SyncAuthorizer {
  let rbac: RBACAuthorizer

  func denial(
    user: AdmissionUserInfo, verb: String, type: ResourceType, namespace: String?, name: String
  ) async -> String? {
    let attributes = RequestAttributes(
      user: user, verb: verb, apiGroup: type.group, apiVersion: type.versions.first ?? "*",
      resource: type.plural, namespace: namespace ?? "", name: name)
    do {
      let decision = try await rbac.authorize(attributes)
      return decision.allowed ? nil : decision.forbiddenMessage ?? "forbidden by RBAC"
    } catch {
      return "RBAC could not decide: \(error)"
    }
  }
}
