import CEL
import Objects

/// The object types kube-apiserver declares for admission policy variables: `request`
/// (`kubernetes.AdmissionRequest`) and `namespaceObject` (`kubernetes.Namespace`), with
/// their fields. Selecting a field they do not have is a type error at load time.
enum PolicyObjectTypes {
  static let request = CELType.opaque("kubernetes.AdmissionRequest", [])
  static let namespace = CELType.opaque("kubernetes.Namespace", [])

  private static let gvk = CELType.opaque("kubernetes.GroupVersionKind", [])
  private static let gvr = CELType.opaque("kubernetes.GroupVersionResource", [])
  private static let userInfo = CELType.opaque("kubernetes.UserInfo", [])
  private static let namespaceMetadata = CELType.opaque("kubernetes.NamespaceMetadata", [])
  private static let namespaceSpec = CELType.opaque("kubernetes.NamespaceSpec", [])
  private static let namespaceStatus = CELType.opaque("kubernetes.NamespaceStatus", [])
  private static let namespaceCondition = CELType.opaque("kubernetes.NamespaceCondition", [])

  /// Every type's fields, by type name.
  static let all: [String: [String: CELType]] = [
    "kubernetes.AdmissionRequest": [
      "kind": gvk, "resource": gvr, "subResource": .string, "requestKind": gvk,
      "requestResource": gvr, "requestSubResource": .string, "name": .string,
      "namespace": .string, "operation": .string, "userInfo": userInfo, "dryRun": .bool,
      "options": .dyn,
    ],
    "kubernetes.GroupVersionKind": ["group": .string, "version": .string, "kind": .string],
    "kubernetes.GroupVersionResource": [
      "group": .string, "version": .string, "resource": .string,
    ],
    "kubernetes.UserInfo": [
      "username": .string, "uid": .string, "groups": .list(.string),
      "extra": .map(.string, .list(.string)),
    ],
    "kubernetes.Namespace": [
      "metadata": namespaceMetadata, "spec": namespaceSpec, "status": namespaceStatus,
    ],
    "kubernetes.NamespaceMetadata": [
      "name": .string, "generateName": .string, "namespace": .string,
      "labels": .map(.string, .string), "annotations": .map(.string, .string),
      "UID": .string, "creationTimestamp": .timestamp, "deletionGracePeriodSeconds": .int,
      "deletionTimestamp": .timestamp, "generation": .int, "resourceVersion": .string,
      "finalizers": .list(.string),
    ],
    "kubernetes.NamespaceSpec": ["finalizers": .list(.string)],
    "kubernetes.NamespaceStatus": ["conditions": .list(namespaceCondition), "phase": .string],
    "kubernetes.NamespaceCondition": [
      "status": .string, "type": .string, "lastTransitionTime": .timestamp, "message": .string,
      "reason": .string,
    ],
  ]

  /// A Namespace as `namespaceObject` presents it: its timestamps (RFC 3339 strings in
  /// the stored object) as CEL timestamps, as kube-apiserver's typed object has them.
  static func namespaceValue(_ namespace: Value) -> CELValue {
    guard case .map(var ns) = CELValue(namespace) else { return CELValue(namespace) }
    func timestamp(_ v: CELValue?) -> CELValue? {
      guard case .string(let s)? = v else { return nil }
      return SchemaFormat.parseDateTime(s).map { CELValue.timestamp($0) }
    }
    if case .map(var meta)? = ns[.string("metadata")] {
      for key in ["creationTimestamp", "deletionTimestamp"] {
        if let t = timestamp(meta[.string(key)]) { _ = meta.set(.string(key), t) }
      }
      _ = ns.set(.string("metadata"), .map(meta))
    }
    if case .map(var status)? = ns[.string("status")],
      case .list(var conditions)? = status[.string("conditions")]
    {
      for i in conditions.indices {
        guard case .map(var c) = conditions[i],
          let t = timestamp(c[.string("lastTransitionTime")])
        else { continue }
        _ = c.set(.string("lastTransitionTime"), t)
        conditions[i] = .map(c)
      }
      _ = status.set(.string("conditions"), .list(conditions))
      _ = ns.set(.string("status"), .map(status))
    }
    return .map(ns)
  }
}
