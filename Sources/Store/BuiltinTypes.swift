/// The kinds every Mooring store serves (../shared/DESIGN.md, "Resources Mooring serves"),
/// with the names, short names and scope kube-apiserver gives them.
public enum BuiltinTypes {
  public static let namespaces = GroupResource(group: "", resource: "namespaces")
  public static let customResourceDefinitions = GroupResource(
    group: "apiextensions.k8s.io", resource: "customresourcedefinitions")

  /// Every built-in kind.
  public static let all: [ResourceType] = [
    ResourceType(
      group: "", versions: ["v1"], kind: "Namespace", plural: "namespaces", shortNames: ["ns"],
      namespaced: false, selectableFields: ["status.phase"]),
    ResourceType(
      group: "", versions: ["v1"], kind: "Secret", plural: "secrets", namespaced: true,
      selectableFields: ["type"], hasStatusSubresource: false),
    ResourceType(
      group: "", versions: ["v1"], kind: "ConfigMap", plural: "configmaps", shortNames: ["cm"],
      namespaced: true, hasStatusSubresource: false),
    ResourceType(
      group: "", versions: ["v1"], kind: "Event", plural: "events", shortNames: ["ev"],
      namespaced: true,
      selectableFields: [
        "involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
        "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
        "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
      ], hasStatusSubresource: false),
    ResourceType(
      group: "", versions: ["v1"], kind: "ServiceAccount", plural: "serviceaccounts",
      shortNames: ["sa"], namespaced: true, hasStatusSubresource: false),
    ResourceType(
      group: "apiextensions.k8s.io", versions: ["v1"], kind: "CustomResourceDefinition",
      plural: "customresourcedefinitions", shortNames: ["crd", "crds"],
      categories: ["api-extensions"], namespaced: false),
    ResourceType(
      group: "admissionregistration.k8s.io", versions: ["v1"],
      kind: "ValidatingAdmissionPolicy", plural: "validatingadmissionpolicies",
      categories: ["api-extensions"], namespaced: false),
    ResourceType(
      group: "admissionregistration.k8s.io", versions: ["v1"],
      kind: "ValidatingAdmissionPolicyBinding", plural: "validatingadmissionpolicybindings",
      categories: ["api-extensions"], namespaced: false, hasStatusSubresource: false),
    ResourceType(
      group: "rbac.authorization.k8s.io", versions: ["v1"], kind: "Role", plural: "roles",
      namespaced: true, hasStatusSubresource: false),
    ResourceType(
      group: "rbac.authorization.k8s.io", versions: ["v1"], kind: "ClusterRole",
      plural: "clusterroles", namespaced: false, hasStatusSubresource: false),
    ResourceType(
      group: "rbac.authorization.k8s.io", versions: ["v1"], kind: "RoleBinding",
      plural: "rolebindings", namespaced: true, hasStatusSubresource: false),
    ResourceType(
      group: "rbac.authorization.k8s.io", versions: ["v1"], kind: "ClusterRoleBinding",
      plural: "clusterrolebindings", namespaced: false, hasStatusSubresource: false),
    ResourceType(
      group: "coordination.k8s.io", versions: ["v1"], kind: "Lease", plural: "leases",
      namespaced: true, hasStatusSubresource: false),
    ResourceType(
      group: "gitops.mooring.dev", versions: ["v1alpha1"], kind: "GitRepository",
      plural: "gitrepositories", shortNames: ["gitrepo"], categories: ["mooring"],
      namespaced: true),
    ResourceType(
      group: "gitops.mooring.dev", versions: ["v1alpha1"], kind: "Sync", plural: "syncs",
      categories: ["mooring"], namespaced: true),
    ResourceType(
      group: "resourcemanager.mooring.dev", versions: ["v1alpha1"], kind: "Organization",
      plural: "organizations", shortNames: ["org"], categories: ["mooring"],
      namespaced: false, selectableFields: ["spec.type"]),
    ResourceType(
      group: "resourcemanager.mooring.dev", versions: ["v1alpha1"], kind: "Project",
      plural: "projects", shortNames: ["proj"], categories: ["mooring"], namespaced: true),
    ResourceType(
      group: "quota.mooring.dev", versions: ["v1alpha1"], kind: "ResourceGrant",
      plural: "resourcegrants", categories: ["mooring"], namespaced: true),
    ResourceType(
      group: "quota.mooring.dev", versions: ["v1alpha1"], kind: "ResourceClaim",
      plural: "resourceclaims", categories: ["mooring"], namespaced: true),
    ResourceType(
      group: "quota.mooring.dev", versions: ["v1alpha1"], kind: "AllowanceBucket",
      plural: "allowancebuckets", categories: ["mooring"], namespaced: true),
  ]

  /// A registry of the built-in kinds.
  public static var registry: TypeRegistry { TypeRegistry(all) }
}
