import APIServer
import Objects
import Store
import Testing

/// Discovery lists the read-only subresources the daemon serves (`syncs/manifests`, what
/// `mooring drift --kubeconfig` reads) beside `status`, legacy and aggregated.
@Suite struct DiscoveryDocumentsTests {
  static let syncs = GroupResource(group: "gitops.mooring.dev", resource: "syncs")

  @Test func readOnlySubresourcesAreListed() {
    let discovery = DiscoveryDocuments(
      registry: TypeRegistry(BuiltinTypes.all), serverAddress: "127.0.0.1:6443",
      readOnlySubresources: [SubresourceName(Self.syncs, "manifests")])
    let resources =
      discovery.resourceList(group: "gitops.mooring.dev", version: "v1alpha1")?["resources"]?
      .listValue ?? []
    let names = resources.compactMap { $0["name"]?.stringValue }
    #expect(names.contains("syncs/status"))
    let manifests = resources.first { $0["name"] == "syncs/manifests" }
    #expect(manifests?["verbs"] == ["get"])
    #expect(manifests?["kind"] == "List")
    #expect(manifests?["namespaced"] == .bool(true))
    // Only the Sync kind has it.
    #expect(!names.contains("gitrepositories/manifests"))

    let aggregated = discovery.aggregated(core: false)
    let group = aggregated["items"]?.listValue?.first {
      $0["metadata"]?["name"] == "gitops.mooring.dev"
    }
    let sync = group?["versions"]?[0]?["resources"]?.listValue?.first {
      $0["resource"] == "syncs"
    }
    let subresources = sync?["subresources"]?.listValue?.compactMap {
      $0["subresource"]?.stringValue
    }
    #expect(subresources == ["status", "manifests"])
  }
}
