import Admission
import Foundation
import Objects
import Store
import YAML

extension ResourceCall {
  /// The request body as a value: JSON, YAML when the content type says so, or Kubernetes
  /// protobuf for the kinds `ProtobufEnvelope` decodes (what kubectl's typed clients send).
  func decodeBody(expecting kind: String? = nil) throws -> Value {
    let kind = kind ?? type.kind
    if request.contentType.hasSuffix("protobuf") {
      let unsupported = APIError.unsupportedMediaType(
        request.contentType,
        accepted: ["application/json", "application/yaml"] + Self.customPatchTypes,
        kind: "\(path.apiVersion), Kind=\(kind)")
      guard ProtobufEnvelope.canDecode(apiVersion: path.apiVersion, kind: kind) else {
        throw unsupported
      }
      do {
        return try ProtobufEnvelope.decode(request.body)
      } catch {
        // A body of another type (a DeleteOptions, say) is as unsupported as the kind.
        if error.unsupportedType { throw unsupported }
        throw APIError.badRequest("the body of the request could not be decoded: \(error)")
      }
    }
    guard !request.body.isEmpty else {
      throw APIError.badRequest("the request body is empty; expected a \(kind) object")
    }
    if request.contentType.hasSuffix("yaml") {
      do {
        let documents = try YAMLDecoder().decode(request.body)
        guard documents.count == 1, let first = documents.first else {
          throw APIError.badRequest("the request body must hold exactly one YAML document")
        }
        return first.value
      } catch let error as YAMLError {
        throw APIError.badRequest("the request body is not valid YAML: \(error)")
      }
    }
    do {
      return try JSON.decode(request.body)
    } catch {
      throw APIError.badRequest("the request body is not valid JSON: \(error)")
    }
  }

  /// Checks a body's apiVersion and kind against the path and fills in its namespace.
  func conform(_ value: Value, name: String? = nil) throws -> Value {
    guard case .map = value else {
      throw APIError.badRequest(
        "the request body must be a JSON object, not \(JSON.encode(value).prefix(40))")
    }
    var v = value
    if let kind = v["kind"]?.stringValue, kind != type.kind {
      throw APIError.badRequest(
        "the body's kind \"\(kind)\" does not match the resource \"\(qualifiedResource)\" (kind \(type.kind))"
      )
    }
    if let apiVersion = v["apiVersion"]?.stringValue, apiVersion != path.apiVersion {
      let gv = GroupVersion(parsing: apiVersion)
      guard gv?.group == path.group, let version = gv?.version, type.versions.contains(version)
      else {
        throw APIError.badRequest(
          "the body's apiVersion \"\(apiVersion)\" does not match the request's \"\(path.apiVersion)\""
        )
      }
    }
    v["apiVersion"] = .string(path.apiVersion)
    v["kind"] = .string(type.kind)
    if type.namespaced {
      let bodyNamespace = v[path: "metadata.namespace"]?.stringValue ?? ""
      if !bodyNamespace.isEmpty, bodyNamespace != path.namespace {
        throw APIError.badRequest(
          "the namespace of the provided object does not match the namespace sent on the request")
      }
      if let ns = path.namespace { v[path: "metadata.namespace"] = .string(ns) }
    } else if v[path: "metadata.namespace"] != nil {
      v[path: "metadata.namespace"] = nil
    }
    if let name {
      let bodyName = v[path: "metadata.name"]?.stringValue ?? ""
      if bodyName.isEmpty {
        v[path: "metadata.name"] = .string(name)
      } else if bodyName != name {
        throw APIError.badRequest(
          "the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
      }
    }
    return v
  }

  /// `fieldValidation`: Strict, Warn (the default) or Ignore.
  var fieldValidation: String {
    let v = request.query["fieldValidation"] ?? "Warn"
    return ["Strict", "Warn", "Ignore"].contains(v) ? v : "Warn"
  }

  /// Runs the admission chain; returns the admitted (pruned, defaulted) object and the
  /// warnings, or throws the Status kube-apiserver would answer.
  func admit(
    _ operation: AdmissionOperation, _ object: Value?, old: Value?, subresource: String = ""
  ) async throws -> (Value?, [String]) {
    let snapshot = try await handler.admission.snapshot()
    // Validating admission sees what the registry will store (kube-apiserver runs its
    // strategy before validation): Secret stringData merged, the Namespace name label.
    var object = object
    if let value = object, var typed = try? Object(value) {
      BuiltinDefaults.apply(to: &typed, type: type)
      object = typed.value
    }
    let strict = fieldValidation == "Strict"
    let response = snapshot.configuration.admit(
      AdmissionRequest(
        operation: operation, object: object, oldObject: old, userInfo: request.user,
        subresource: subresource, dryRun: request.dryRun, uid: UUID().uuidString.lowercased()),
      source: snapshot.source, strict: strict)
    let name =
      object?[path: "metadata.name"]?.stringValue ?? old?[path: "metadata.name"]?.stringValue ?? ""
    if !response.schemaErrors.isEmpty {
      let unknown = response.schemaErrors.filter { $0.detail.hasPrefix("unknown field") }
      if strict, unknown.count == response.schemaErrors.count {
        let fields = unknown.map(\.detail).joined(separator: ", ")
        throw APIError.badRequest(
          "\(type.kind) in version \"\(path.version)\" cannot be handled as a \(type.kind): strict decoding error: \(fields)"
        )
      }
      throw APIError.invalid(
        kind: type.kind, group: type.group, name: name, errors: response.schemaErrors)
    }
    if let denial = response.denials.first {
      let message = "\(qualifiedResource) \"\(name)\" is forbidden: \(denial.message)"
      let causes: [Value] = response.denials.map { ["message": .string($0.message)] }
      throw APIError(
        code: denial.code, reason: denial.reason, message: message,
        details: [
          "name": .string(name), "group": .string(type.group), "kind": .string(type.plural),
          "causes": .list(causes),
        ])
    }
    var warnings = response.warnings
    if fieldValidation == "Ignore" { warnings.removeAll { $0.hasPrefix("unknown field") } }
    return (response.object ?? object, warnings)
  }

  /// An object from a value, or a 400.
  func object(_ value: Value) throws -> Object {
    do {
      return try Object(value)
    } catch {
      throw APIError.badRequest("\(error)")
    }
  }

  /// POST on a collection.
  func create() async throws -> APIResponse {
    var value = try conform(try decodeBody())
    if type.hasStatusSubresource { value["status"] = nil }
    return try await create(value, tracked: false)
  }

  /// Admits and creates `value` (shared by POST and apply); `tracked` when its
  /// managedFields are already computed.
  func create(_ value: Value, tracked: Bool) async throws -> APIResponse {
    let (admitted, warnings) = try await admit(.create, value, old: nil)
    var object = try object(admitted ?? value)
    if !tracked { object.value = trackUpdate(object.value, old: nil) }
    let created: Object
    if request.dryRun {
      created = try store.dryRun(context: context) { (tx) throws(StoreError) in
        var o = try tx.create(object)
        o.value[path: "metadata.resourceVersion"] = nil
        return o
      }
    } else {
      created = try await store.create(object, context: context)
    }
    return .json(present(created), status: 201, warnings: warnings)
  }

  /// PUT of an object or its status.
  func update() async throws -> APIResponse {
    let value = try conform(try decodeBody(), name: path.name)
    let live = try await store.get(key)
    return try await write(value, live: live)
  }

  /// Admits and writes `value` over `live` (the shared end of PUT and PATCH).
  func write(_ value: Value, live: Object, tracked: Bool = false) async throws -> APIResponse {
    var value = value
    if (value[path: "metadata.resourceVersion"]?.stringValue ?? "").isEmpty {
      value[path: "metadata.resourceVersion"] = live.value[path: "metadata.resourceVersion"]
    }
    let status = path.subresource == "status"
    let (admitted, warnings) = try await admit(
      .update, value, old: live.value, subresource: path.subresource ?? "")
    var object = try object(admitted ?? value)
    if !tracked { object.value = trackUpdate(object.value, old: live.value) }
    let written: Object
    if request.dryRun {
      written = try store.dryRun(context: context) { (tx) throws(StoreError) in
        var o = status ? try tx.updateStatus(object) : try tx.update(object)
        o.resourceVersion = live.resourceVersion
        return o
      }
    } else if status {
      written = try await store.updateStatus(object, context: context)
    } else {
      written = try await store.update(object, context: context)
    }
    return .json(present(written), warnings: warnings)
  }

  /// DELETE of one object.
  func delete() async throws -> APIResponse {
    var options = DeleteOptions()
    var dryRun = request.dryRun
    if !request.body.isEmpty {
      let body = try decodeBody()
      if let p = body["propagationPolicy"]?.stringValue {
        guard let policy = PropagationPolicy(rawValue: p) else {
          throw APIError.badRequest("invalid propagationPolicy \"\(p)\"")
        }
        options.propagation = policy
      } else if body["orphanDependents"] == .bool(true) {
        options.propagation = .orphan
      }
      options.preconditionResourceVersion =
        body[path: "preconditions.resourceVersion"]?
        .stringValue
      if let uid = body[path: "preconditions.uid"]?.stringValue {
        let live = try await store.get(key)
        if live.uid != uid {
          throw APIError(
            code: 409, reason: "Conflict",
            message:
              "Operation cannot be fulfilled on \(qualifiedResource) \"\(key.name)\": Precondition failed: UID in precondition: \(uid), UID in object meta: \(live.uid ?? "")"
          )
        }
      }
      if body["dryRun"]?.listValue?.contains(.string("All")) == true { dryRun = true }
    }
    if let p = request.query["propagationPolicy"] {
      guard let policy = PropagationPolicy(rawValue: p) else {
        throw APIError.badRequest("invalid propagationPolicy \"\(p)\"")
      }
      options.propagation = policy
    }
    let live = try await store.get(key)
    _ = try await admit(.delete, nil, old: live.value)
    let after: Object?
    if dryRun {
      after = try store.dryRun(context: context) { (tx) throws(StoreError) in
        try tx.delete(key, options: options)
      }
    } else {
      after = try await store.delete(key, options: options, context: context)
    }
    return .json(present(after ?? live))
  }

  /// DELETE of a collection: every object the selectors match.
  func deleteCollection() async throws -> APIResponse {
    let page = try await store.list(type.groupResource, try listOptions())
    var deleted: [Value] = []
    for object in page.items {
      let key = ObjectKey(type.groupResource, namespace: object.namespace, name: object.name ?? "")
      _ = try await admit(.delete, nil, old: object.value)
      if request.dryRun {
        deleted.append(present(object))
        continue
      }
      do {
        let after = try await store.delete(key, options: DeleteOptions(), context: context)
        deleted.append(present(after ?? object))
      } catch {
        guard case .notFound = error else { throw error }
      }
    }
    return .json([
      "apiVersion": .string(path.apiVersion), "kind": .string(type.listKind),
      "metadata": .map([:]), "items": .list(deleted),
    ])
  }
}
