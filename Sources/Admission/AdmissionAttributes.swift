import CEL
import Objects

/// A request with everything admission derives from it: the kind, the resource and scope
/// it maps to, the name and namespace (namespaced objects without one are in `default`).
public struct AdmissionAttributes: Sendable {
  public var request: AdmissionRequest
  public var kind: GroupVersionKind
  public var resource: GroupVersionResource
  public var namespaced: Bool
  public var name: String
  /// The request's namespace: empty for cluster-scoped objects; a Namespace's own name.
  public var namespace: String

  /// Resolves `request` through `mapper`, and puts `default` into namespaced objects that
  /// have no namespace (as kube-apiserver takes it from the request path).
  public init(_ request: AdmissionRequest, mapper: AdmissionResourceMapper) {
    var request = request
    let subject = request.object ?? request.oldObject ?? .map(ValueMap())
    let gvk = GroupVersionKind(
      apiVersion: subject["apiVersion"]?.stringValue ?? "", kind: subject["kind"]?.stringValue ?? ""
    )
    let m = mapper.mapping(group: gvk.group, kind: gvk.kind)
    kind = gvk
    resource = GroupVersionResource(group: gvk.group, version: gvk.version, resource: m.resource)
    namespaced = m.namespaced
    name = subject["metadata"]?["name"]?.stringValue ?? ""
    var ns = subject["metadata"]?["namespace"]?.stringValue ?? ""
    if namespaced && ns.isEmpty {
      ns = "default"
      request.object = request.object.map { Self.settingNamespace($0, ns) }
      request.oldObject = request.oldObject.map { Self.settingNamespace($0, ns) }
    }
    if gvk.group.isEmpty && gvk.kind == "Namespace" { ns = name }
    namespace = namespaced || (gvk.group.isEmpty && gvk.kind == "Namespace") ? ns : ""
    self.request = request
  }

  private static func settingNamespace(_ object: Value, _ ns: String) -> Value {
    guard case .map(var root) = object else { return object }
    var metadata = root["metadata"]?.mapValue ?? ValueMap()
    _ = metadata.updateValue(.string(ns), forKey: "namespace")
    _ = root.updateValue(.map(metadata), forKey: "metadata")
    return .map(root)
  }

  /// True for a core Namespace object.
  var isNamespaceObject: Bool { kind.group.isEmpty && kind.kind == "Namespace" }

  /// The labels of the object, new or old.
  func labels(new: Bool) -> Value? {
    (new ? request.object : request.oldObject)?["metadata"]?["labels"]
  }

  /// `request` as CEL sees it (Kubernetes' AdmissionRequest without the objects), with
  /// `kind` and `resource` as matched (`matchKind`, `matchResource`).
  func requestValue(matchKind: GroupVersionKind, matchResource: GroupVersionResource) -> Value {
    var m = ValueMap()
    m["uid"] = .string(request.uid)
    m["kind"] = .map([
      "group": .string(matchKind.group), "version": .string(matchKind.version),
      "kind": .string(matchKind.kind),
    ])
    m["resource"] = .map([
      "group": .string(matchResource.group),
      "version": .string(matchResource.version), "resource": .string(matchResource.resource),
    ])
    m["subResource"] = .string(request.subresource)
    m["requestKind"] = .map([
      "group": .string(kind.group), "version": .string(kind.version),
      "kind": .string(kind.kind),
    ])
    m["requestResource"] = .map([
      "group": .string(resource.group),
      "version": .string(resource.version), "resource": .string(resource.resource),
    ])
    m["requestSubResource"] = .string(request.subresource)
    m["name"] = .string(name)
    m["namespace"] = .string(namespace)
    m["operation"] = .string(request.operation.rawValue)
    var user = ValueMap()
    user["username"] = .string(request.userInfo.username)
    user["uid"] = .string(request.userInfo.uid)
    user["groups"] = .list(request.userInfo.groups.map { .string($0) })
    var extra = ValueMap()
    for (k, v) in request.userInfo.extra.sorted(by: { $0.key < $1.key }) {
      extra[k] = .list(v.map { .string($0) })
    }
    user["extra"] = .map(extra)
    m["userInfo"] = .map(user)
    m["dryRun"] = .bool(request.dryRun)
    m["options"] = .map([
      "apiVersion": "meta.k8s.io/v1", "kind": .string(request.operation.optionsKind),
    ])
    return .map(m)
  }
}
