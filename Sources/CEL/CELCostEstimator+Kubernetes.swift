/// Kubernetes' static call cost estimates (`k8s.io/apiserver/pkg/cel/library/cost.go`,
/// `CostEstimator.EstimateCallCost`), which the API server consults before cel-go's own,
/// and cel-go's estimates for its `sets` extension. Kubernetes warns that any change to
/// these numbers changes which CRD rules are accepted; the values here reproduce those in
/// Kubernetes' `library/cost_test.go` (parsing functions such as `ip`, `cidr`,
/// `quantity` and `semver` cost a traversal of their string argument).
extension CELCoster {
  func kubernetesCallCost(_ call: CELCostCall) -> CELCallEstimate? {
    let traversal = CELCostConstants.stringTraversalCostFactor
    let target = call.target
    let args = call.args
    func fixed(_ c: UInt64) -> CELCallEstimate { CELCallEstimate(cost: .fixed(c)) }
    switch call.function {
    case "check":
      // An authorization check; set so that an expression can make two.
      return fixed(350_000)
    case "serviceAccount", "path", "group", "resource", "subresource", "namespace", "name",
      "allowed", "reason", "error", "errored":
      return fixed(1)
    case "isSorted", "sum", "max", "min", "indexOf", "lastIndexOf":
      guard let target else { return nil }
      if let element = listElementNode(target) {
        // One comparison per element, plus traversing string and bytes elements.
        var elementCost = CELCostEstimate.fixed(1)
        switch element.type {
        case .string, .bytes:
          elementCost = elementCost.adding(
            kubeSize(element).multiplied(byCostFactor: traversal))
        default:
          break
        }
        return CELCallEstimate(cost: kubeSize(target).multiplied(byCost: elementCost))
      }
      // `indexOf` and `lastIndexOf` on a string.
      return CELCallEstimate(cost: kubeSize(target).multiplied(byCostFactor: traversal))
    case "url", "jsonpatch.escapeKey":
      guard args.count == 1 else { return nil }
      let sz = kubeSize(args[0])
      return CELCallEstimate(cost: sz.multiplied(byCostFactor: traversal), resultSize: sz)
    case "lowerAscii", "upperAscii", "substring", "trim":
      guard let target else { return nil }
      let sz = kubeSize(target)
      return CELCallEstimate(cost: sz.multiplied(byCostFactor: traversal), resultSize: sz)
    case "replace":
      guard let target, args.count >= 2 else { return nil }
      return replaceCost(kubeSize(target), kubeSize(args[0]), kubeSize(args[1]))
    case "split":
      guard let target else { return nil }
      let sz = kubeSize(target)
      // At worst the separator is empty and every character is an element.
      var max = sz.max
      if args.count > 1, let e = args[1].expr, case .literal(let v) = e.kind {
        switch v {
        case .int(let n) where n >= 0: max = UInt64(n)
        case .uint(let n): max = n
        default: break
        }
      }
      return CELCallEstimate(
        cost: sz.multiplied(byCostFactor: 2 * traversal), resultSize: .upTo(max))
    case "join":
      guard let target else { return nil }
      var sz = CELSizeEstimate(min: 0, max: 0)
      let listSize = kubeSize(target)
      if let element = listElementNode(target) {
        sz = listSize.multiplied(by: kubeSize(element))
      }
      if let separator = args.first {
        let separators = CELSizeEstimate(
          min: listSize.min > 0 ? listSize.min - 1 : 0,
          max: listSize.max > 0 ? listSize.max - 1 : 0)
        sz = sz.adding(kubeSize(separator).multiplied(by: separators))
      }
      return CELCallEstimate(cost: sz.multiplied(byCostFactor: traversal), resultSize: sz)
    case "find", "findAll":
      guard let target, let regex = args.first else { return nil }
      let sz = kubeSize(target)
      let strCost = sz.adding(.fixed(1)).multiplied(byCostFactor: traversal)
      let regexCost = kubeSize(regex).multiplied(
        byCostFactor: CELCostConstants.regexStringLengthCostFactor)
      // At worst every character is a separate match.
      return CELCallEstimate(cost: strCost.multiplied(by: regexCost), resultSize: .upTo(sz.max))
    case "cidr", "isIP", "isCIDR", "quantity", "isQuantity", "semver", "isSemver":
      // Parsing a string.
      guard let arg = args.first else { return nil }
      return CELCallEstimate(cost: kubeSize(arg).multiplied(byCostFactor: traversal))
    case "ip":
      // The `ip()` accessor of a CIDR reads a field.
      guard call.overloadID != "cidr_ip", let arg = args.first else { return fixed(1) }
      return CELCallEstimate(cost: kubeSize(arg).multiplied(byCostFactor: traversal))
    case "ip.isCanonical":
      guard let arg = args.first else { return nil }
      // Parse, then compare with the original: twice the traversal.
      return CELCallEstimate(cost: kubeSize(arg).multiplied(byCostFactor: 2 * traversal))
    case "validate":
      // `<format>.validate(s)`: a regex match, with the longest of the formats' regexes
      // (the format is not known statically).
      guard target != nil, let arg = args.first else { return nil }
      let strCost = kubeSize(arg).adding(.fixed(1)).multiplied(byCostFactor: traversal)
      let regexCost = CELSizeEstimate.fixed(Self.maxNamedFormatRegexSize).multiplied(
        byCostFactor: CELCostConstants.regexStringLengthCostFactor)
      return CELCallEstimate(cost: strCost.multiplied(by: regexCost))
    case "format.named", "major", "minor", "patch", "getScheme", "getHostname", "getHost",
      "getPort", "getEscapedPath", "getQuery", "isGlobalUnicast":
      return fixed(1)
    case "_==_":
      // Equality of Kubernetes' own types (quantities, IPs, CIDRs, semvers, ...); URLs and
      // formats are compared as sized values.
      guard args.count == 2, case .opaque(let name, _) = args[0].type,
        name != FormatLibrary.type.runtimeName, name != URLLibrary.type.runtimeName
      else { return nil }
      return fixed(1)
    case "sets.contains", "sets.intersects", "sets.equivalent":
      // cel-go's `ext/sets.go`: every element of one list against every one of the other
      // (twice for equivalence).
      guard args.count == 2 else { return nil }
      let factor: Double = call.function == "sets.equivalent" ? 2 : 1
      let pairs = kubeSize(args[0]).multiplied(by: kubeSize(args[1]))
      return CELCallEstimate(cost: pairs.multiplied(byCostFactor: factor).adding(.fixed(1)))
    case "masked", "prefixLength", "family", "isUnspecified", "isLoopback",
      "isLinkLocalMulticast", "isLinkLocalUnicast":
      return fixed(1)
    case "containsIP", "containsCIDR":
      guard target != nil, let arg = args.first else { return nil }
      // Comparing two byte lists of an IPv4 (4) or IPv6 (16) address.
      let sz = CELSizeEstimate(min: 4, max: 16)
      var cost = sz.adding(sz).multiplied(byCostFactor: traversal)
      if call.function == "containsCIDR" {
        // Masking the base CIDR and comparing the prefix bits.
        cost = cost.adding(sz.multiplied(byCostFactor: traversal)).adding(.fixed(1))
      }
      if call.overloadID == "cidr_contains_ip_string"
        || call.overloadID == "cidr_contains_cidr_string"
      {
        // A string argument is parsed first.
        cost = cost.adding(kubeSize(arg).multiplied(byCostFactor: traversal))
      }
      return CELCallEstimate(cost: cost)
    case "sign", "asInteger", "isInteger", "asApproximateFloat", "isGreaterThan", "isLessThan",
      "compareTo", "add", "sub":
      return fixed(1)
    default:
      return nil
    }
  }

  /// The regex length `validate` is priced with: Kubernetes uses the longest of its named
  /// formats' regexes, which its tests price at ⌈0.25 · size⌉ = 32.
  static let maxNamedFormatRegexSize: UInt64 = 128

  /// `s.replace(old, new)`: the traversal and building the result, which is longest
  /// when the shortest `old` is replaced by the longest `new` as often as it fits.
  func replaceCost(
    _ sz: CELSizeEstimate, _ toReplace: CELSizeEstimate, _ replaceWith: CELSizeEstimate
  ) -> CELCallEstimate {
    var count = CELSizeEstimate(min: 0, max: 0)
    var retained = CELSizeEstimate(min: 0, max: 0)
    if toReplace.min == 0 {
      // An empty `old` surrounds every character.
      count.max = sz.max < .max ? sz.max + 1 : sz.max
      retained.max = sz.max
    } else if replaceWith.max <= toReplace.min {
      retained.max = sz.max
    } else {
      count.max = CELCostMath.ceilDivide(sz.max, toReplace.min)
    }
    if toReplace.max == 0 {
      count.min = sz.min < .max ? sz.min + 1 : sz.min
      retained.min = sz.min
    } else if toReplace.max <= replaceWith.min {
      retained.min = sz.min
    } else {
      count.min = CELCostMath.ceilDivide(sz.min, toReplace.max)
    }
    let size = count.multiplied(by: replaceWith).adding(retained)
    return CELCallEstimate(
      cost: sz.multiplied(byCostFactor: 2 * CELCostConstants.stringTraversalCostFactor),
      resultSize: size)
  }

  /// A node's size as Kubernetes reads it: computed, else the estimator's, else unknown.
  func kubeSize(_ n: CELCostNode) -> CELSizeEstimate {
    n.computedSize ?? estimator?.estimateSize(n) ?? .unknown
  }

  /// The element of a list node, with its path (so a schema's `maxLength` applies).
  func listElementNode(_ list: CELCostNode) -> CELCostNode? {
    let element: CELType
    switch list.type {
    case .list(let e): element = e
    case .map(let k, _): element = k
    default: return nil
    }
    let path = list.path.isEmpty ? [] : list.path + ["@items"]
    var t = element
    if case .dyn = t, !path.isEmpty, let refined = estimator?.refinedType(at: path) {
      t = refined
    }
    return CELCostNode(path: path, type: t)
  }
}
