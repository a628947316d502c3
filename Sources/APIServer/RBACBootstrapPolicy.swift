import Objects

/// The default RBAC objects kube-apiserver creates at start-up, which every client needs:
/// discovery and `/version` for authenticated users (`system:discovery`,
/// `system:public-info-viewer`, also for unauthenticated ones), the self reviews of
/// `kubectl auth can-i` (`system:basic-user`), and `cluster-admin` bound to
/// `system:masters`. Labelled `kubernetes.io/bootstrapping: rbac-defaults` like kube's.
///
/// `RBACAuthorizer` holds them in memory, under any stored object of the same kind and
/// name (the store's DNS-subdomain name rule refuses kube's `system:` names).
public enum RBACBootstrapPolicy {
  static let apiVersion = "rbac.authorization.k8s.io/v1"

  /// The ClusterRoles, then the ClusterRoleBindings.
  public static var objects: [Object] {
    let discoveryURLs = [
      "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*",
      "/readyz", "/version", "/version/",
    ]
    let publicInfoURLs = ["/healthz", "/livez", "/readyz", "/version", "/version/"]
    return [
      clusterRole(
        "cluster-admin",
        [
          RBACPolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"]),
          RBACPolicyRule(verbs: ["*"], nonResourceURLs: ["*"]),
        ]),
      clusterRole(
        "system:discovery", [RBACPolicyRule(verbs: ["get"], nonResourceURLs: discoveryURLs)]),
      clusterRole(
        "system:public-info-viewer",
        [RBACPolicyRule(verbs: ["get"], nonResourceURLs: publicInfoURLs)]
      ),
      clusterRole(
        "system:basic-user",
        [
          RBACPolicyRule(
            verbs: ["create"], apiGroups: ["authorization.k8s.io"],
            resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
          RBACPolicyRule(
            verbs: ["create"], apiGroups: ["authentication.k8s.io"],
            resources: ["selfsubjectreviews"]),
        ]),
      binding("cluster-admin", groups: ["system:masters"]),
      binding("system:discovery", groups: ["system:authenticated"]),
      binding(
        "system:public-info-viewer", groups: ["system:authenticated", "system:unauthenticated"]),
      binding("system:basic-user", groups: ["system:authenticated"]),
    ]
  }

  static func metadata(_ name: String) -> Value {
    [
      "name": .string(name),
      "labels": ["kubernetes.io/bootstrapping": "rbac-defaults"],
      "annotations": ["rbac.authorization.kubernetes.io/autoupdate": "true"],
    ]
  }

  static func clusterRole(_ name: String, _ rules: [RBACPolicyRule]) -> Object {
    var object = Object(apiVersion: apiVersion, kind: "ClusterRole", name: name)
    object.value["metadata"] = metadata(name)
    object.value["rules"] = .list(rules.map(\.value))
    return object
  }

  static func binding(_ role: String, groups: [String]) -> Object {
    var object = Object(apiVersion: apiVersion, kind: "ClusterRoleBinding", name: role)
    object.value["metadata"] = metadata(role)
    object.value["roleRef"] = [
      "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string(role),
    ]
    object.value["subjects"] = .list(
      groups.map {
        ["apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": .string($0)]
      })
    return object
  }
}
