import Admission
import Foundation
import Objects
import Store

/// One request on one kind: the resolved type, the parsed path and the request, with the
/// verbs as methods (reads in ResourceCall+Read, writes in ResourceCall+Write, watch in
/// ResourceCall+Watch).
struct ResourceCall: Sendable {
  let handler: APIHandler
  let type: ResourceType
  let path: ResourcePath
  let request: APIRequest

  var store: SQLiteStore { handler.store }

  /// The key of the object the path names.
  var key: ObjectKey {
    ObjectKey(type.groupResource, namespace: path.namespace, name: path.name ?? "")
  }

  /// `Kind.group` as kube names a kind in messages (`organizations.resourcemanager...`).
  var qualifiedResource: String { type.groupResource.description }

  /// The write's audit identity.
  var context: WriteContext {
    WriteContext(
      actor: request.user.username.isEmpty ? "system:anonymous" : request.user.username,
      source: "api")
  }

  /// An object as this request's version presents it (all versions share one schema-less
  /// storage, so conversion is the apiVersion).
  func present(_ object: Object) -> Value {
    var v = object.value
    v["apiVersion"] = .string(path.apiVersion)
    if v["kind"] == nil { v["kind"] = .string(type.kind) }
    return v
  }

  /// List options from `labelSelector`, `fieldSelector`, `limit` and `continue`.
  func listOptions() throws -> ListOptions {
    var options = ListOptions(namespace: path.namespace)
    if let text = request.query["labelSelector"], !text.isEmpty {
      do {
        options.labelSelector = try LabelSelector(parsing: text)
      } catch {
        throw APIError.badRequest("unable to parse requirement: \(error)")
      }
    }
    if let text = request.query["fieldSelector"], !text.isEmpty {
      do {
        options.fieldSelector = try FieldSelector(parsing: text)
      } catch {
        throw APIError.badRequest("invalid field selector \"\(text)\": \(error)")
      }
    }
    if let limit = request.query["limit"] {
      guard let n = Int(limit), n >= 0 else {
        throw APIError.badRequest("invalid limit \"\(limit)\": must be a non-negative integer")
      }
      options.limit = n
    }
    if let token = request.query["continue"], !token.isEmpty { options.continueToken = token }
    return options
  }
}
