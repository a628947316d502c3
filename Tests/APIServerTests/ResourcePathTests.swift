import APIServer
import Testing

@Suite struct ResourcePathTests {
  @Test func discoveryPaths() {
    #expect(ResourcePath.parse("/api") == .groups(core: true))
    #expect(ResourcePath.parse("/apis/") == .groups(core: false))
    #expect(ResourcePath.parse("/apis/mooring.dev") == .group("mooring.dev"))
    #expect(ResourcePath.parse("/api/v1") == .groupVersion(group: "", version: "v1"))
    #expect(
      ResourcePath.parse("/apis/mooring.dev/v1alpha1")
        == .groupVersion(group: "mooring.dev", version: "v1alpha1"))
    #expect(ResourcePath.parse("/") == nil)
    #expect(ResourcePath.parse("/healthz") == nil)
    #expect(ResourcePath.parse("") == nil)
  }

  @Test func objectsCollectionsAndSubresources() {
    #expect(
      ResourcePath.parse("/api/v1/namespaces/team-a/configmaps/settings")
        == .resource(
          ResourcePath(
            group: "", version: "v1", namespace: "team-a", resource: "configmaps",
            name: "settings")))
    #expect(
      ResourcePath.parse("/apis/mooring.dev/v1alpha1/namespaces/x/syncs/s/status")
        == .resource(
          ResourcePath(
            group: "mooring.dev", version: "v1alpha1", namespace: "x", resource: "syncs",
            name: "s", subresource: "status")))
    #expect(
      ResourcePath.parse("/api/v1/configmaps")
        == .resource(ResourcePath(group: "", version: "v1", resource: "configmaps")))
    // A Namespace's own subresources are not a namespaced path.
    #expect(
      ResourcePath.parse("/api/v1/namespaces/team-a/finalize")
        == .resource(
          ResourcePath(
            group: "", version: "v1", resource: "namespaces", name: "team-a",
            subresource: "finalize")))
    #expect(
      ResourcePath.parse("/api/v1/namespaces/team-a")
        == .resource(
          ResourcePath(group: "", version: "v1", resource: "namespaces", name: "team-a")))
    #expect(ResourcePath.parse("/api/v1/namespaces/a/configmaps/b/c/d") == nil)
  }

  /// The target of a core/v1 ConfigMap's path.
  func configMap(_ namespace: String, _ name: String) -> ResourcePath.Target {
    .resource(
      ResourcePath(
        group: "", version: "v1", namespace: namespace, resource: "configmaps", name: name))
  }

  @Test func emptySegmentsAreSkippedAndEscapesDecoded() {
    #expect(ResourcePath.parse("//api//v1/namespaces/a//configmaps/b/") == configMap("a", "b"))
    #expect(
      ResourcePath.parse("/api/v1/namespaces/a/configmaps/my%2Dname") == configMap("a", "my-name"))
    // An escape is decoded in its own segment only; a bad escape is kept as sent.
    #expect(
      ResourcePath.parse("/api/v1/namespaces/a%zz/configmaps/b%41") == configMap("a%zz", "bA"))
    #expect(ResourcePath.parse("/api/v1/namespaces/é/configmaps/ü%C3%A9x") == configMap("é", "üéx"))
  }
}
