/// The user a request is made as (Kubernetes' `authentication.k8s.io/v1` UserInfo).
public struct AdmissionUserInfo: Sendable, Hashable {
  public var username: String
  public var uid: String
  public var groups: [String]
  public var extra: [String: [String]]

  public init(
    username: String = "", uid: String = "", groups: [String] = [],
    extra: [String: [String]] = [:]
  ) {
    self.username = username
    self.uid = uid
    self.groups = groups
    self.extra = extra
  }
}
