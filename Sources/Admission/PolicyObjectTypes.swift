import CEL

/// The object types kube-apiserver declares for admission policy variables: `request`
/// (`kubernetes.AdmissionRequest`) and `namespaceObject` (`kubernetes.Namespace`), with
/// their fields. Selecting a field they do not have is a type error at load time.
///
/// Difference from kube-apiserver: the Namespace's timestamps are typed `dyn` (they are
/// RFC 3339 strings in the stored object; kube presents them as timestamps).
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
      "UID": .string, "creationTimestamp": .dyn, "deletionGracePeriodSeconds": .int,
      "deletionTimestamp": .dyn, "generation": .int, "resourceVersion": .string,
      "finalizers": .list(.string),
    ],
    "kubernetes.NamespaceSpec": ["finalizers": .list(.string)],
    "kubernetes.NamespaceStatus": ["conditions": .list(namespaceCondition), "phase": .string],
    "kubernetes.NamespaceCondition": [
      "status": .string, "type": .string, "lastTransitionTime": .dyn, "message": .string,
      "reason": .string,
    ],
  ]
}
