import Testing

@testable import Objects

@Suite struct GroupVersionKindTests {
  @Test func parsesGroupAndVersion() {
    let gvk = GroupVersionKind(apiVersion: "apps/v1", kind: "Deployment")
    #expect(gvk == GroupVersionKind(group: "apps", version: "v1", kind: "Deployment"))
    #expect(gvk.apiVersion == "apps/v1")
    #expect(gvk.description == "apps/v1, Kind=Deployment")
    #expect(gvk.groupVersion == GroupVersion(group: "apps", version: "v1"))
  }

  @Test func coreGroup() {
    let gvk = GroupVersionKind(apiVersion: "v1", kind: "ConfigMap")
    #expect(gvk.group == "")
    #expect(gvk.version == "v1")
    #expect(gvk.apiVersion == "v1")
    // Kubernetes prints the empty group too.
    #expect(gvk.description == "/v1, Kind=ConfigMap")
  }

  @Test func unparsableApiVersionLeavesGroupAndVersionEmpty() {
    let gvk = GroupVersionKind(apiVersion: "a/b/c", kind: "Thing")
    #expect(gvk == GroupVersionKind(group: "", version: "", kind: "Thing"))
  }

  @Test func groupVersionParsing() {
    #expect(GroupVersion(parsing: "v1") == GroupVersion(group: "", version: "v1"))
    #expect(
      GroupVersion(parsing: "networking.k8s.io/v1")
        == GroupVersion(group: "networking.k8s.io", version: "v1"))
    #expect(GroupVersion(parsing: "") == GroupVersion(group: "", version: ""))
    #expect(GroupVersion(parsing: "/") == GroupVersion(group: "", version: ""))
    #expect(GroupVersion(parsing: "apps/") == GroupVersion(group: "apps", version: ""))
    #expect(GroupVersion(parsing: "a/b/c") == nil)
    #expect(GroupVersion(group: "apps", version: "v1").description == "apps/v1")
    #expect(GroupVersion(group: "", version: "v1").apiVersion == "v1")
  }

  @Test func groupVersionProblems() {
    #expect(GroupVersion.problem(with: "v1") == nil)
    #expect(GroupVersion.problem(with: "apps/v1") == nil)
    #expect(GroupVersion.problem(with: "apps/") == "version must not be empty")
    #expect(GroupVersion.problem(with: "a/b/c") == "unexpected GroupVersion string")
  }

  @Test func settingGroupVersion() {
    var gvk = GroupVersionKind(apiVersion: "apps/v1beta1", kind: "Deployment")
    gvk.groupVersion = GroupVersion(group: "apps", version: "v1")
    #expect(gvk.apiVersion == "apps/v1")
    #expect(GroupVersion(group: "apps", version: "v1").withKind("DaemonSet").kind == "DaemonSet")
  }

  @Test func resources() {
    let gvr = GroupVersionResource(apiVersion: "apps/v1", resource: "deployments")
    #expect(gvr == GroupVersion(group: "apps", version: "v1").withResource("deployments"))
    #expect(gvr.apiVersion == "apps/v1")
    #expect(gvr.description == "apps/v1, Resource=deployments")
    #expect(
      GroupVersionResource(group: "", version: "v1", resource: "pods").description
        == "/v1, Resource=pods")
  }

  @Test func hashable() {
    let set: Set = [
      GroupVersionKind(apiVersion: "v1", kind: "Pod"),
      GroupVersionKind(group: "", version: "v1", kind: "Pod"),
      GroupVersionKind(apiVersion: "apps/v1", kind: "Pod"),
    ]
    #expect(set.count == 2)
  }
}
