import APIServer
import Admission
import Testing

@Suite struct RequestAttributesTests {
  static let user = AdmissionUserInfo(username: "u")

  func attributes(_ method: String, _ path: String, _ query: [String: String] = [:])
    -> RequestAttributes
  {
    RequestAttributes(APIRequest(method: method, path: path, query: query, user: Self.user))
  }

  @Test func verbsFollowKube() {
    let projects = "/apis/resourcemanager.mooring.dev/v1alpha1/namespaces/team-a/projects"
    let cases: [(String, String, [String: String], String)] = [
      ("GET", projects, [:], "list"),
      ("GET", projects, ["watch": "true"], "watch"),
      ("GET", projects, ["watch": "1"], "watch"),
      ("GET", projects, ["watch": "false"], "list"),
      ("GET", projects + "/p1", [:], "get"),
      ("POST", projects, [:], "create"),
      ("PUT", projects + "/p1", [:], "update"),
      ("PATCH", projects + "/p1", [:], "patch"),
      ("DELETE", projects + "/p1", [:], "delete"),
      ("DELETE", projects, [:], "deletecollection"),
    ]
    for (method, path, query, verb) in cases {
      let a = attributes(method, path, query)
      #expect(a.verb == verb, "\(method) \(path) \(query)")
      #expect(a.isResourceRequest)
      #expect(a.apiGroup == "resourcemanager.mooring.dev")
      #expect(a.apiVersion == "v1alpha1")
      #expect(a.resource == "projects")
      #expect(a.namespace == "team-a")
    }
  }

  @Test func objectsSubresourcesAndScope() {
    let status = attributes(
      "PATCH", "/apis/resourcemanager.mooring.dev/v1alpha1/organizations/acme/status")
    #expect(status.namespace == "")
    #expect(status.name == "acme")
    #expect(status.subresource == "status")
    #expect(status.qualifiedResource == "organizations/status")

    let core = attributes("GET", "/api/v1/namespaces/team-a/configmaps/c")
    #expect(core.apiGroup == "")
    #expect(core.apiVersion == "v1")
    #expect((core.resource, core.name, core.namespace) == ("configmaps", "c", "team-a"))

    // A Namespace is in its own namespace (kube's RequestInfo).
    let namespace = attributes("DELETE", "/api/v1/namespaces/team-a")
    #expect(
      (namespace.verb, namespace.resource, namespace.name) == ("delete", "namespaces", "team-a"))
    #expect(namespace.namespace == "team-a")
    let all = attributes("GET", "/api/v1/namespaces")
    #expect((all.verb, all.namespace, all.name) == ("list", "", ""))
  }

  @Test func fieldSelectorOnNameNamesTheObject() {
    let path = "/apis/resourcemanager.mooring.dev/v1alpha1/organizations"
    let one = attributes("GET", path, ["fieldSelector": "metadata.name=acme", "watch": "true"])
    #expect((one.verb, one.name) == ("watch", "acme"))
    let other = attributes("GET", path, ["fieldSelector": "spec.type=x"])
    #expect((other.verb, other.name) == ("list", ""))
    let invalid = attributes("GET", path, ["fieldSelector": "metadata.name=.."])
    #expect(invalid.name == "")
  }

  @Test func otherPathsAreNonResourceRequests() {
    for path in ["/version", "/healthz", "/api", "/apis", "/apis/g", "/apis/g/v1", "/openapi/v3"] {
      let a = attributes("GET", path)
      #expect(!a.isResourceRequest, "\(path)")
      #expect(a.verb == "get")
      #expect(a.path == path)
      #expect(a.resource == "")
    }
    #expect(attributes("POST", "/foo").verb == "post")
  }
}
