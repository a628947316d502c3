import APIMachinery
import Foundation
import Objects
import Store

extension ResourceCall {
  /// The patch types accepted for CRD kinds (kube-apiserver refuses strategic merge patch
  /// for them with 415).
  static let customPatchTypes = [
    "application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml",
  ]

  /// Whether this kind is one of Mooring's compiled-in kinds (not defined by a CRD), for
  /// which strategic merge patch is accepted.
  func isBuiltin() async throws -> Bool {
    let crds = try await handler.admission.snapshot().customResourceDefinitions
    return !crds.contains {
      $0.spec?["group"]?.stringValue == type.group
        && $0.spec?[path: "names.kind"]?.stringValue == type.kind
    }
  }

  /// PATCH of an object or its status: merge, JSON, strategic merge, or server-side apply.
  func patch() async throws -> APIResponse {
    let contentType = request.contentType
    if contentType == "application/apply-patch+yaml" { return try await apply() }
    let builtin = try await isBuiltin()
    let accepted =
      Self.customPatchTypes + (builtin ? ["application/strategic-merge-patch+json"] : [])
    guard accepted.contains(contentType) else {
      throw APIError.unsupportedMediaType(
        contentType, accepted: Self.customPatchTypes,
        kind: "\(path.apiVersion), Kind=\(type.kind)")
    }
    let patch = try decodeBody()
    // Without a resourceVersion in the patch, a concurrent write is retried against the new
    // state, as kube-apiserver does; with one, it is a precondition.
    for attempt in 1...5 {
      let live = try await store.get(key)
      var patched: Value
      switch contentType {
      case "application/merge-patch+json":
        guard case .map = patch else {
          throw APIError.badRequest("a merge patch must be a JSON object")
        }
        patched = JSONMergePatch.apply(patch, to: live.value)
      case "application/json-patch+json":
        do {
          patched = try JSONPatch(patch).apply(to: live.value)
        } catch {
          throw APIError(code: 422, reason: "Invalid", message: "the JSON patch failed: \(error)")
        }
      default:
        do {
          patched = try StrategicMergePatch.apply(patch, to: live.value, strategies: strategies)
        } catch {
          throw APIError(
            code: 422, reason: "Invalid", message: "the strategic merge patch failed: \(error)")
        }
      }
      let pinned =
        !(patched[path: "metadata.resourceVersion"]?.stringValue ?? "").isEmpty
        && patched[path: "metadata.resourceVersion"] != live.value[path: "metadata.resourceVersion"]
      patched = try conform(patched, name: path.name)
      do {
        return try await write(patched, live: live)
      } catch let error as StoreError {
        guard case .conflict = error, !pinned, attempt < 5 else { throw error }
      }
    }
    throw APIError.internalError("the patch could not be applied after 5 attempts")
  }
}
