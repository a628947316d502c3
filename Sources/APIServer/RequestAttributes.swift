import Admission
import Objects

/// What an authorizer decides on (Kubernetes' `authorizer.Attributes`): who asks, the verb,
/// and either a resource (API group, resource, subresource, namespace, name) or, for a
/// non-resource request, the URL path. The same attributes as an admission policy's
/// `authorizer` checks (`PolicyAuthorizationAttributes`, in Admission); the API derives
/// them from HTTP requests here.
public typealias RequestAttributes = PolicyAuthorizationAttributes

extension PolicyAuthorizationAttributes {
  /// The attributes of a resource request.
  public init(
    user: AdmissionUserInfo, verb: String, apiGroup: String, apiVersion: String = "*",
    resource: String, subresource: String = "", namespace: String = "", name: String = "",
    path: String = ""
  ) {
    self.init(
      user: user, verb: verb, isResourceRequest: true, path: path, apiGroup: apiGroup,
      apiVersion: apiVersion, resource: resource, subresource: subresource,
      namespace: namespace, name: name)
  }

  /// The attributes of a non-resource request (`verb` is the lower-cased HTTP method).
  public init(user: AdmissionUserInfo, verb: String, nonResourcePath path: String) {
    self.init(user: user, verb: verb, isResourceRequest: false, path: path, apiVersion: "")
  }

  /// The attributes of an HTTP request, derived as kube-apiserver's `RequestInfoFactory`
  /// does. `target` is `ResourcePath.parse(path)`; anything but a resource path (discovery,
  /// `/version`, unknown paths) is a non-resource request. For resources: GET on a
  /// collection is `list` (`watch` with `watch=true`), GET on an object `get`, POST
  /// `create`, PUT `update`, PATCH `patch`, DELETE on an object `delete` and on a
  /// collection `deletecollection`. A list or watch whose field selector requires
  /// `metadata.name=N` is about object N, and a Namespace is in its own namespace.
  public init(
    method: String, path: String, target: ResourcePath.Target?, query: [String: String],
    user: AdmissionUserInfo
  ) {
    let method = method.uppercased()
    guard case .resource(let resource)? = target else {
      self.init(user: user, verb: method.lowercased(), nonResourcePath: path)
      return
    }
    var name = resource.name ?? ""
    var verb: String
    switch method {
    case "GET", "HEAD": verb = "get"
    case "POST": verb = "create"
    case "PUT": verb = "update"
    case "PATCH": verb = "patch"
    case "DELETE": verb = "delete"
    default: verb = ""
    }
    if name.isEmpty, verb == "get" {
      verb = Self.isTrue(query["watch"]) ? "watch" : "list"
      if let text = query["fieldSelector"],
        let selected = try? FieldSelector(parsing: text).requiresExactMatch("metadata.name"),
        Self.isValidPathSegmentName(selected)
      {
        name = selected
      }
    }
    if name.isEmpty, verb == "delete" { verb = "deletecollection" }
    var namespace = resource.namespace ?? ""
    // `/api/v1/namespaces/NAME`: kube takes NAME as the request's namespace too.
    if resource.namespace == nil, resource.resource == "namespaces", let object = resource.name {
      namespace = object
    }
    self.init(
      user: user, verb: verb, apiGroup: resource.group, apiVersion: resource.version,
      resource: resource.resource, subresource: resource.subresource ?? "",
      namespace: namespace, name: name, path: path)
  }

  /// The attributes of `request`, as `init(method:path:target:query:user:)` derives them.
  public init(_ request: APIRequest) {
    self.init(
      method: request.method, path: request.path, target: request.target,
      query: request.query, user: request.user)
  }

  /// `resource/subresource`, or `resource` alone.
  public var qualifiedResource: String {
    subresource.isEmpty ? resource : "\(resource)/\(subresource)"
  }

  /// A query flag as Go's `strconv.ParseBool` reads it.
  static func isTrue(_ text: String?) -> Bool {
    guard let text else { return false }
    return ["1", "t", "T", "true", "TRUE", "True"].contains(text)
  }

  /// Kubernetes' `path.IsValidPathSegmentName`: not `.` or `..`, no `/` or `%`.
  static func isValidPathSegmentName(_ name: String) -> Bool {
    !name.isEmpty && name != "." && name != ".."
      && !name.utf8.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "%") }
  }
}
