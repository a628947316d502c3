import Objects

/// Maps a kind to its resource and scope: the CRDs loaded first, then a table of the
/// standard Kubernetes kinds and Mooring's own, else Kubernetes' plural-guessing rule
/// (`meta.UnsafeGuessKindToResource`) with namespaced scope.
public struct AdmissionResourceMapper: Sendable {
  /// A kind's resource.
  public struct Mapping: Sendable, Hashable {
    public var group: String
    public var kind: String
    /// The plural resource name (`deployments`).
    public var resource: String
    public var namespaced: Bool
    /// The versions served, preferred first; empty when unknown (guessed kinds).
    public var versions: [String]
    /// True when the mapping comes from the plural-guessing rule.
    public var guessed: Bool
    /// True for a CustomResourceDefinition's kind: its versions differ only in
    /// `apiVersion` (no conversion webhooks here: conversion strategy None).
    public var customResource = false

    public init(
      group: String, kind: String, resource: String, namespaced: Bool, versions: [String],
      guessed: Bool = false
    ) {
      self.group = group
      self.kind = kind
      self.resource = resource
      self.namespaced = namespaced
      self.versions = versions
      self.guessed = guessed
    }
  }

  private var byKind: [String: Mapping]

  /// The built-in table plus these CRDs (`apiextensions.k8s.io/v1` objects); CRDs win.
  public init(customResourceDefinitions: [Value] = []) {
    var table: [String: Mapping] = [:]
    for m in Self.builtIn { table[m.group + "/" + m.kind] = m }
    for crd in customResourceDefinitions {
      guard let m = Self.mapping(ofCRD: crd) else { continue }
      table[m.group + "/" + m.kind] = m
    }
    byKind = table
  }

  /// The mapping of `kind` in `group`, guessed when neither a CRD nor the table knows it.
  public func mapping(group: String, kind: String) -> Mapping {
    if let m = byKind[group + "/" + kind] { return m }
    return Mapping(
      group: group, kind: kind, resource: Self.guessResource(kind), namespaced: true,
      versions: [], guessed: true)
  }

  /// Every known mapping of `group` with this resource name.
  func mapping(group: String, resource: String) -> Mapping? {
    byKind.values.first { $0.group == group && $0.resource == resource }
  }

  /// Kubernetes' guess: lower-case the kind, then `s` → `ses`, `y` → `ies`, else add `s`.
  public static func guessResource(_ kind: String) -> String {
    let singular = kind.lowercased()
    if singular.isEmpty { return singular }
    if singular.hasSuffix("s") { return singular + "es" }
    if singular.hasSuffix("y") { return String(singular.dropLast()) + "ies" }
    return singular + "s"
  }

  /// The mapping a CRD declares, or nil when it lacks group, kind or plural.
  public static func mapping(ofCRD crd: Value) -> Mapping? {
    guard let spec = crd["spec"], let group = spec["group"]?.stringValue,
      let kind = spec["names"]?["kind"]?.stringValue,
      let plural = spec["names"]?["plural"]?.stringValue
    else { return nil }
    let versions = (spec["versions"]?.listValue ?? []).compactMap { v -> String? in
      guard v["served"]?.boolValue != false else { return nil }
      return v["name"]?.stringValue
    }
    var mapping = Mapping(
      group: group, kind: kind, resource: plural,
      namespaced: spec["scope"]?.stringValue != "Cluster", versions: versions)
    mapping.customResource = true
    return mapping
  }

  /// Standard Kubernetes kinds with their scope, and Mooring's kinds (DESIGN.md).
  static let builtIn: [Mapping] = {
    func ns(_ g: String, _ k: String, _ r: String, _ v: [String] = ["v1"]) -> Mapping {
      Mapping(group: g, kind: k, resource: r, namespaced: true, versions: v)
    }
    func cl(_ g: String, _ k: String, _ r: String, _ v: [String] = ["v1"]) -> Mapping {
      Mapping(group: g, kind: k, resource: r, namespaced: false, versions: v)
    }
    let rbac = "rbac.authorization.k8s.io"
    let ar = "admissionregistration.k8s.io"
    return [
      ns("", "Pod", "pods"), ns("", "Service", "services"), ns("", "ConfigMap", "configmaps"),
      ns("", "Secret", "secrets"), cl("", "Namespace", "namespaces"), cl("", "Node", "nodes"),
      ns("", "ServiceAccount", "serviceaccounts"), ns("", "Endpoints", "endpoints"),
      ns("", "Event", "events"), ns("", "LimitRange", "limitranges"),
      ns("", "ResourceQuota", "resourcequotas"),
      ns("", "PersistentVolumeClaim", "persistentvolumeclaims"),
      cl("", "PersistentVolume", "persistentvolumes"), ns("", "PodTemplate", "podtemplates"),
      ns("", "ReplicationController", "replicationcontrollers"),
      ns("apps", "Deployment", "deployments"), ns("apps", "StatefulSet", "statefulsets"),
      ns("apps", "DaemonSet", "daemonsets"), ns("apps", "ReplicaSet", "replicasets"),
      ns("apps", "ControllerRevision", "controllerrevisions"),
      ns("batch", "Job", "jobs"), ns("batch", "CronJob", "cronjobs"),
      ns("autoscaling", "HorizontalPodAutoscaler", "horizontalpodautoscalers", ["v2", "v1"]),
      ns("policy", "PodDisruptionBudget", "poddisruptionbudgets"),
      ns("networking.k8s.io", "Ingress", "ingresses"),
      ns("networking.k8s.io", "NetworkPolicy", "networkpolicies"),
      cl("networking.k8s.io", "IngressClass", "ingressclasses"),
      ns("discovery.k8s.io", "EndpointSlice", "endpointslices"),
      ns("events.k8s.io", "Event", "events"),
      ns("coordination.k8s.io", "Lease", "leases"),
      cl("storage.k8s.io", "StorageClass", "storageclasses"),
      cl("storage.k8s.io", "CSIDriver", "csidrivers"),
      cl("storage.k8s.io", "VolumeAttachment", "volumeattachments"),
      cl("scheduling.k8s.io", "PriorityClass", "priorityclasses"),
      cl("node.k8s.io", "RuntimeClass", "runtimeclasses"),
      cl("certificates.k8s.io", "CertificateSigningRequest", "certificatesigningrequests"),
      ns(rbac, "Role", "roles"), ns(rbac, "RoleBinding", "rolebindings"),
      cl(rbac, "ClusterRole", "clusterroles"),
      cl(rbac, "ClusterRoleBinding", "clusterrolebindings"),
      cl("apiextensions.k8s.io", "CustomResourceDefinition", "customresourcedefinitions"),
      cl(ar, "ValidatingAdmissionPolicy", "validatingadmissionpolicies"),
      cl(ar, "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings"),
      cl(ar, "ValidatingWebhookConfiguration", "validatingwebhookconfigurations"),
      cl(ar, "MutatingWebhookConfiguration", "mutatingwebhookconfigurations"),
      ns("gitops.mooring.dev", "GitRepository", "gitrepositories", ["v1alpha1"]),
      ns("gitops.mooring.dev", "Sync", "syncs", ["v1alpha1"]),
      cl("resourcemanager.mooring.dev", "Organization", "organizations", ["v1alpha1"]),
      ns("resourcemanager.mooring.dev", "Project", "projects", ["v1alpha1"]),
      ns("quota.mooring.dev", "ResourceGrant", "resourcegrants", ["v1alpha1"]),
      ns("quota.mooring.dev", "ResourceClaim", "resourceclaims", ["v1alpha1"]),
      ns("quota.mooring.dev", "AllowanceBucket", "allowancebuckets", ["v1alpha1"]),
    ]
  }()
}
