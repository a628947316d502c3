import Objects
import Store

/// OpenAPI v3 documents: the index at `/openapi/v3` and one document per group-version,
/// with a schema per kind (a CRD's `openAPIV3Schema`, or an open object for built-ins) and
/// the PATCH operation kubectl looks for before it leaves field validation to the server.
public struct OpenAPIDocuments: Sendable {
  let types: [ResourceType]
  /// CRD schemas by `group/version/Kind`.
  let schemas: [String: Value]

  public init(registry: TypeRegistry, customResourceDefinitions: [Object]) {
    types = registry.types
    var schemas: [String: Value] = [:]
    for crd in customResourceDefinitions {
      guard let spec = crd.spec, let group = spec["group"]?.stringValue,
        let kind = spec[path: "names.kind"]?.stringValue
      else { continue }
      for version in spec["versions"]?.listValue ?? [] {
        guard let name = version["name"]?.stringValue,
          let schema = version[path: "schema.openAPIV3Schema"]
        else { continue }
        schemas["\(group)/\(name)/\(kind)"] = schema
      }
    }
    self.schemas = schemas
  }

  /// `api/v1` or `apis/GROUP/VERSION`: the key of a group-version in the index.
  static func key(group: String, version: String) -> String {
    group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
  }

  /// Every served group-version key.
  var groupVersions: [(key: String, group: String, version: String)] {
    var seen = Set<String>()
    var out: [(String, String, String)] = []
    for t in types {
      for v in t.versions {
        let k = Self.key(group: t.group, version: v)
        if seen.insert(k).inserted { out.append((k, t.group, v)) }
      }
    }
    return out
  }

  /// `GET /openapi/v3`: each group-version's document URL, with a content hash.
  public var index: Value {
    var paths = ValueMap()
    for gv in groupVersions {
      let hash = Self.hash(
        JSON.encodeBytes(document(group: gv.group, version: gv.version) ?? .null))
      paths[gv.key] = ["serverRelativeURL": .string("/openapi/v3/\(gv.key)?hash=\(hash)")]
    }
    return ["paths": .map(paths)]
  }

  /// The name kube gives a kind's schema: the group reversed, then version and kind
  /// (`dev.mooring.resourcemanager.v1alpha1.Organization`, `io.k8s.api.core.v1.Namespace`).
  static func schemaName(group: String, version: String, kind: String) -> String {
    if group.isEmpty { return "io.k8s.api.core.\(version).\(kind)" }
    if group.hasSuffix(".k8s.io") {
      let short =
        group.dropLast(".k8s.io".count).split(separator: ".").first.map(String.init) ?? group
      return "io.k8s.api.\(short).\(version).\(kind)"
    }
    return group.split(separator: ".").reversed().joined(separator: ".") + ".\(version).\(kind)"
  }

  static let objectMetaName = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"

  /// The document of one group-version, nil when it is not served.
  public func document(group: String, version: String) -> Value? {
    let members = types.filter { $0.group == group && $0.versions.contains(version) }
    guard !members.isEmpty else { return nil }
    var paths = ValueMap()
    var components = ValueMap()
    let prefix = group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)"
    for t in members {
      let gvk: Value = [
        "group": .string(group), "version": .string(version), "kind": .string(t.kind),
      ]
      let name = Self.schemaName(group: group, version: version, kind: t.kind)
      let ref: Value = ["$ref": .string("#/components/schemas/\(name)")]
      let scope = t.namespaced ? "/namespaces/{namespace}" : ""
      let builtin = !schemas.keys.contains("\(group)/\(version)/\(t.kind)")
      var patchTypes: ValueMap = [
        "application/json-patch+json": ["schema": ["type": "object"]],
        "application/merge-patch+json": ["schema": ["type": "object"]],
        "application/apply-patch+yaml": ["schema": ["type": "object"]],
      ]
      // kubectl builds strategic merge patches only for kinds whose PATCH lists it; CRD kinds
      // must not (kube-apiserver answers 415 for them).
      if builtin {
        patchTypes["application/strategic-merge-patch+json"] = ["schema": ["type": "object"]]
      }
      let queryParameters: [Value] = ["dryRun", "fieldManager", "fieldValidation"].map {
        ["name": .string($0), "in": "query", "schema": ["type": "string"]]
      }
      let ok: Value = ["responses": ["200": ["content": ["application/json": ["schema": ref]]]]]
      var item: ValueMap = [:]
      for verb in ["get", "put", "delete"] {
        var op = ok
        op["x-kubernetes-group-version-kind"] = gvk
        op["x-kubernetes-action"] = .string(verb == "put" ? "put" : verb)
        item[verb] = op
      }
      var patch = ok
      patch["x-kubernetes-group-version-kind"] = gvk
      patch["x-kubernetes-action"] = "patch"
      patch["parameters"] = .list(
        queryParameters + [["name": "force", "in": "query", "schema": ["type": "boolean"]]])
      patch["requestBody"] = ["content": .map(patchTypes)]
      item["patch"] = patch
      paths["\(prefix)\(scope)/\(t.plural)/{name}"] = .map(item)
      var collection = ok
      collection["x-kubernetes-group-version-kind"] = gvk
      collection["x-kubernetes-action"] = "list"
      var post = ok
      post["x-kubernetes-group-version-kind"] = gvk
      post["x-kubernetes-action"] = "post"
      post["parameters"] = .list(queryParameters)
      paths["\(prefix)\(scope)/\(t.plural)"] = ["get": collection, "post": post]

      var schema =
        schemas["\(group)/\(version)/\(t.kind)"] ?? [
          "type": "object",
          "description": .string("\(t.kind) is a built-in Mooring kind."),
          "properties": [
            "spec": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
            "status": ["type": "object", "x-kubernetes-preserve-unknown-fields": true],
          ],
        ]
      var properties = schema["properties"]?.mapValue ?? ValueMap()
      properties["apiVersion"] = [
        "type": "string",
        "description":
          "APIVersion defines the versioned schema of this representation of an object.",
      ]
      properties["kind"] = [
        "type": "string", "description": "Kind is a string value representing the REST resource.",
      ]
      properties["metadata"] = [
        "allOf": [["$ref": .string("#/components/schemas/\(Self.objectMetaName)")]],
        "description": "Standard object's metadata.",
      ]
      schema["properties"] = .map(properties)
      schema["type"] = "object"
      schema["x-kubernetes-group-version-kind"] = [gvk]
      components[name] = schema
    }
    components[Self.objectMetaName] = [
      "type": "object",
      "description":
        "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
      "properties": [
        "name": ["type": "string"], "namespace": ["type": "string"],
        "generateName": ["type": "string"], "uid": ["type": "string"],
        "resourceVersion": ["type": "string"],
        "generation": ["type": "integer", "format": "int64"],
        "creationTimestamp": ["type": "string", "format": "date-time"],
        "deletionTimestamp": ["type": "string", "format": "date-time"],
        "labels": ["type": "object", "additionalProperties": ["type": "string"]],
        "annotations": ["type": "object", "additionalProperties": ["type": "string"]],
        "finalizers": ["type": "array", "items": ["type": "string"]],
        "ownerReferences": ["type": "array", "items": ["type": "object"]],
        "managedFields": ["type": "array", "items": ["type": "object"]],
      ],
    ]
    return [
      "openapi": "3.0.0",
      "info": ["title": "Mooring", "version": .string(version)],
      "paths": .map(paths), "components": ["schemas": .map(components)],
    ]
  }

  /// A short content hash (FNV-1a, 64 bits) for cache-busting URLs.
  static func hash(_ bytes: [UInt8]) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
      h ^= UInt64(b)
      h = h &* 0x100_0000_01b3
    }
    let hex = String(h, radix: 16).uppercased()
    return String(repeating: "0", count: 16 - hex.count) + hex
  }
}
