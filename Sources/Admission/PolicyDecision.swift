/// The outcome of one validation (or of a failure to evaluate) for one binding and one
/// parameter object.
public struct PolicyDecision: Sendable, Hashable {
  /// Admit or deny.
  public enum Action: String, Sendable, Hashable {
    case admit, deny
  }
  /// How the decision was reached.
  public enum Evaluation: String, Sendable, Hashable {
    /// The expression was true.
    case admit
    /// The expression was false (or not true).
    case deny
    /// The expression could not be evaluated (or the binding could not be configured).
    case error
  }

  public var action: Action
  public var evaluation: Evaluation
  /// The failure message (without the policy and binding prefix).
  public var message: String
  /// The HTTP status reason for a denial (`Invalid` unless the validation names one).
  public var reason: String
  /// The index of the validation in `spec.validations`, when one produced this.
  public var validationIndex: Int?

  public init(
    action: Action, evaluation: Evaluation, message: String = "", reason: String = "Invalid",
    validationIndex: Int? = nil
  ) {
    self.action = action
    self.evaluation = evaluation
    self.message = message
    self.reason = reason
    self.validationIndex = validationIndex
  }
}
