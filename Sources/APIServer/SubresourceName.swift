import Store

/// A subresource of one kind, such as `syncs/manifests` in `gitops.mooring.dev`.
public struct SubresourceName: Hashable, Sendable {
  public var resource: GroupResource
  public var subresource: String

  public init(_ resource: GroupResource, _ subresource: String) {
    self.resource = resource
    self.subresource = subresource
  }
}
