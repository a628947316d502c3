import APIMachinery
import Foundation
import Objects
import Store

extension ResourceCall {
  /// How this kind's lists merge (strategic merge patch, managedFields).
  var strategies: PatchStrategies { PatchStrategies.forKind(group: type.group, kind: type.kind) }

  /// Fields a write through this path may not set: `status` on the main resource and
  /// everything but status on `/status`, for kinds with a status subresource.
  var resetFields: FieldSet {
    guard type.hasStatusSubresource else { return FieldSet() }
    return path.subresource == "status"
      ? ServerSideApply.statusResetFields : ServerSideApply.mainResourceResetFields
  }

  /// The field manager of a non-apply write: `fieldManager`, else the client's name from
  /// its User-Agent (as kube-apiserver does).
  var updateManager: String {
    if let m = request.query["fieldManager"], !m.isEmpty { return m }
    let agent = request.headers["user-agent"] ?? "unknown"
    return String(agent.split(separator: "/").first ?? "unknown")
  }

  /// Now, as managedFields time stamps are written.
  static func timestamp() -> String {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.string(from: Date())
  }

  /// `metadata.managedFields` of `new` after a create, update or patch by this request.
  func trackUpdate(_ new: Value, old: Value?) -> Value {
    ServerSideApply.update(
      from: old, to: new, manager: updateManager, strategies: strategies,
      time: Self.timestamp(), subresource: path.subresource, resetFields: resetFields)
  }

  /// Server-side apply (`application/apply-patch+yaml`): the applied configuration's
  /// fields become owned by `fieldManager`; fields it owned and no longer applies are
  /// removed; a field another manager owns with a different value is a 409 conflict unless
  /// `force=true`. A missing object is created (201); an apply that changes nothing writes
  /// nothing.
  func apply() async throws -> APIResponse {
    guard let manager = request.query["fieldManager"], !manager.isEmpty else {
      throw APIError.badRequest("PATCH, fieldManager is required for apply requests")
    }
    let applied = try conform(try decodeBody(), name: path.name)
    let precondition = applied[path: "metadata.resourceVersion"]?.stringValue
    for attempt in 1...5 {
      var live: Object?
      do {
        live = try await store.get(key)
      } catch {
        guard case .notFound = error else { throw error }
      }
      var merged: Value
      do {
        merged = try ServerSideApply.apply(
          applied, to: live?.value, manager: manager, force: request.flag("force"),
          strategies: strategies, time: Self.timestamp(), subresource: path.subresource,
          resetFields: resetFields)
      } catch {
        throw Self.apiError(error)
      }
      guard let live else {
        if path.subresource != nil { throw StoreError.notFound(key) }
        return try await create(merged, tracked: true)
      }
      if merged == live.value { return .json(present(live)) }
      if let precondition, !precondition.isEmpty {
        merged[path: "metadata.resourceVersion"] = .string(precondition)
      }
      do {
        return try await write(merged, live: live, tracked: true)
      } catch let error as StoreError {
        guard case .conflict = error, precondition == nil, attempt < 5 else { throw error }
      }
    }
    throw APIError.internalError("the apply could not be completed after 5 attempts")
  }

  /// kube's answer to a failed apply.
  static func apiError(_ error: ServerSideApplyError) -> APIError {
    switch error {
    case .conflicts(let conflicts):
      let causes: [Value] = conflicts.map {
        [
          "type": "FieldManagerConflict", "message": .string($0.message),
          "field": .string($0.field),
        ]
      }
      return APIError(
        code: 409, reason: "Conflict", message: error.description,
        details: ["causes": .list(causes)])
    case .badRequest(let message), .invalidManagedFields(let message):
      return .badRequest(message)
    }
  }
}
