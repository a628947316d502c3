import Objects

/// One write to admit: the operation, the new object (nil for DELETE), the old object
/// (UPDATE and DELETE), and who makes it.
public struct AdmissionRequest: Sendable {
  public var operation: AdmissionOperation
  public var object: Value?
  public var oldObject: Value?
  public var userInfo: AdmissionUserInfo
  /// A subresource (`status`, `scale`); empty for the object itself.
  public var subresource: String
  public var dryRun: Bool
  /// The request's uid, shown to CEL as `request.uid`.
  public var uid: String

  public init(
    operation: AdmissionOperation, object: Value?, oldObject: Value? = nil,
    userInfo: AdmissionUserInfo = AdmissionUserInfo(), subresource: String = "",
    dryRun: Bool = false, uid: String = ""
  ) {
    self.operation = operation
    self.object = object
    self.oldObject = oldObject
    self.userInfo = userInfo
    self.subresource = subresource
    self.dryRun = dryRun
    self.uid = uid
  }
}
