/// One row of a policy test run: one expected result for one object.
public struct PolicyTestCase: Sendable, Hashable {
  /// The test file and the test's name.
  public var file: String
  public var test: String
  /// The policy judged; nil when the request was judged against every policy.
  public var policy: String?
  /// `[namespace/]name` as written in the test, and the object's kind.
  public var resource: String
  public var kind: String
  public var operation: AdmissionOperation
  public var expected: PolicyTestSuite.Outcome
  public var got: PolicyTestSuite.Outcome
  /// The first denial or warning message (or why the message expectation failed).
  public var message: String
  public var passed: Bool
}
