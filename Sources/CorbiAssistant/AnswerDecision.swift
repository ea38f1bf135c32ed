import Foundation

/// Whether the knowledge base supports an answer: a logistic model over `AnswerFeatures`,
/// fitted on the development half of `eval/` (`eval/fit-decision.py`) and checked on the
/// held-out half. Wrong answers cost more than refusals there, so the threshold sits where
/// a wrong answer is unlikely.
public struct AnswerDecision: Sendable, Equatable {
    /// One weight per value of `AnswerFeatures.vector`.
    public var weights: [Double]
    public var bias: Double
    /// Answer when the probability of a supported answer reaches this.
    public var threshold: Double

    public init(weights: [Double], bias: Double, threshold: Double) {
        self.weights = weights
        self.bias = bias
        self.threshold = threshold
    }

    /// The model fitted by `eval/fit-decision.py` on the development data (the development
    /// half of `eval/` and the demo knowledge base's questions: 129 candidate answers, 61 of
    /// them good). At 0.7 it answers 28 of those correctly, 4 wrongly and 1 unanswerable
    /// question; 0.6 gives 34 / 7 / 2, 0.75 gives 22 / 2 / 0.
    public static let fitted = AnswerDecision(
        weights: [3.073, 0.124, 1.173, -1.961, 1.169, -0.535, -1.026, 4.383, 1.361, 0.939], bias: -4.260, threshold: 0.7)

    /// Probability (0...1) that the picked sentences answer the question.
    public func probability(_ features: AnswerFeatures) -> Double {
        let z = zip(weights, features.vector).reduce(bias) { $0 + $1.0 * $1.1 }
        return 1 / (1 + exp(-z))
    }

    public func answers(_ features: AnswerFeatures) -> Bool { probability(features) >= threshold }
}
